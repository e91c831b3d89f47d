// HttpServer over real loopback sockets: what an integration sees on the wire.
#include "simulator/http/http_server.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace pcsim::http {
namespace {

class HttpServerTest : public ::testing::Test {
 protected:
  // Starts a server on a free loopback port with `options` (port forced to 0).
  void StartServer(HttpServerOptions options = {}) {
    options.port = 0;
    router_ = std::make_unique<api::Router>();
    server_ = std::make_unique<HttpServer>(*router_, options);
    Status status = server_->Start();
    ASSERT_TRUE(status.ok()) << status.description();
    ASSERT_GT(server_->port(), 0);
  }

  std::unique_ptr<httplib::Client> Client() const {
    auto client = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client->set_connection_timeout(5, 0);
    client->set_read_timeout(10, 0);
    client->set_write_timeout(10, 0);
    return client;
  }

  static void ExpectErrorBody(const httplib::Result& res, int status) {
    ASSERT_TRUE(res) << "no response: " << httplib::to_string(res.error());
    EXPECT_EQ(res->status, status);
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json; charset=utf-8");
    auto body = nlohmann::json::parse(res->body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << res->body;
    EXPECT_TRUE(body.contains("code")) << res->body;
    EXPECT_TRUE(body["description"].is_string()) << res->body;
    EXPECT_TRUE(body["data"].is_array()) << res->body;
    EXPECT_EQ(body["source"], "PartnerFD") << res->body;
  }

  std::unique_ptr<api::Router> router_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, ReadyServerAnswersTheClock) {
  StartServer();
  auto res = Client()->Get("/_sim/clock");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->reason, "OK");
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json; charset=utf-8");
  auto body = nlohmann::json::parse(res->body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << res->body;
  EXPECT_EQ(body["now"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(server_->BaseUrl(), "http://127.0.0.1:" + std::to_string(server_->port()));
}

TEST_F(HttpServerTest, HeadIsAnsweredLikeGetWithoutABody) {
  StartServer();
  auto res = Client()->Head("/_sim/clock");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "");
}

TEST_F(HttpServerTest, EchoesRequestAndCorrelationIds) {
  StartServer();
  httplib::Headers headers = {{"MS-RequestId", "0b7e5a4c-1111-4222-8333-944455556666"},
                              {"MS-CorrelationId", "c0ffee00-aaaa-4bbb-8ccc-dddddddddddd"}};
  auto res = Client()->Get("/_sim/clock", headers);
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("MS-RequestId"), "0b7e5a4c-1111-4222-8333-944455556666");
  EXPECT_EQ(res->get_header_value("MS-CorrelationId"), "c0ffee00-aaaa-4bbb-8ccc-dddddddddddd");
}

TEST_F(HttpServerTest, UnknownRouteIs404WithTheErrorBody) {
  StartServer();
  auto res = Client()->Get("/v1/no%20such/route?size=1&b=2");
  ExpectErrorBody(res, 404);
  EXPECT_EQ(res->reason, "Not Found");
  // The path reaches the router percent-decoded and without its query.
  auto body = nlohmann::json::parse(res->body);
  EXPECT_NE(body["description"].get<std::string>().find("/v1/no such/route"), std::string::npos) << res->body;
  EXPECT_EQ(body["description"].get<std::string>().find("size="), std::string::npos) << res->body;
}

TEST_F(HttpServerTest, UnknownMethodOnAKnownPathIs405) {
  StartServer();
  auto res = Client()->Delete("/_sim/clock");
  ExpectErrorBody(res, 405);
  EXPECT_EQ(res->reason, "Method Not Allowed");
}

TEST_F(HttpServerTest, MissingAuthorizationIs401) {
  StartServer();
  auto res = Client()->Get("/v1/customers");
  ExpectErrorBody(res, 401);
  EXPECT_EQ(res->reason, "Unauthorized");
}

TEST_F(HttpServerTest, BodyOverTheLimitIs413AndTheServerKeepsServing) {
  HttpServerOptions options;
  options.max_body_bytes = 1024;
  StartServer(options);
  auto client = Client();
  std::string big(4096, 'x');
  auto res = client->Post("/_sim/clock/advance", big, "application/json");
  ExpectErrorBody(res, 413);
  EXPECT_EQ(res->reason, "Payload Too Large");
  EXPECT_EQ(nlohmann::json::parse(res->body)["code"], 800002);

  auto after = Client()->Get("/_sim/clock");
  ASSERT_TRUE(after) << httplib::to_string(after.error());
  EXPECT_EQ(after->status, 200);
}

TEST_F(HttpServerTest, ChunkedBodyOverTheLimitIs413) {
  HttpServerOptions options;
  options.max_body_bytes = 1024;
  StartServer(options);
  auto res = Client()->Post(
      "/_sim/clock/advance",
      [](size_t offset, httplib::DataSink& sink) {
        if (offset >= 8192) {
          sink.done();
          return true;
        }
        std::string chunk(512, 'x');
        return sink.write(chunk.data(), chunk.size());
      },
      "application/json");
  ExpectErrorBody(res, 413);

  auto after = Client()->Get("/_sim/clock");
  ASSERT_TRUE(after) << httplib::to_string(after.error());
  EXPECT_EQ(after->status, 200);
}

TEST_F(HttpServerTest, BodyWithinTheLimitReachesTheRouter) {
  StartServer();
  auto res = Client()->Post("/_sim/clock/advance", R"({"by":"P1D"})", "application/json");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200) << res->body;
  auto clock = Client()->Get("/_sim/clock");
  ASSERT_TRUE(clock);
  EXPECT_EQ(nlohmann::json::parse(clock->body)["now"], "2026-01-02T00:00:00Z");
}

TEST_F(HttpServerTest, MalformedJsonBodyIs400) {
  StartServer();
  auto res = Client()->Post("/_sim/clock/advance", R"({"by": )", "application/json");
  ExpectErrorBody(res, 400);
  EXPECT_EQ(res->reason, "Bad Request");
}

TEST_F(HttpServerTest, TwoServersOnPortZeroGetDifferentPorts) {
  api::Router router_a, router_b;
  HttpServer a(router_a), b(router_b);
  ASSERT_TRUE(a.Start().ok());
  ASSERT_TRUE(b.Start().ok());
  EXPECT_GT(a.port(), 0);
  EXPECT_GT(b.port(), 0);
  EXPECT_NE(a.port(), b.port());
}

TEST_F(HttpServerTest, StartFailsWhenThePortIsTaken) {
  StartServer();
  api::Router other_router;
  HttpServerOptions options;
  options.port = server_->port();
  HttpServer other(other_router, options);
  Status status = other.Start();
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.description().find(std::to_string(server_->port())), std::string::npos) << status.description();
  // The first server is unaffected.
  auto res = Client()->Get("/_sim/clock");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST_F(HttpServerTest, StopIsIdempotent) {
  StartServer();
  int port = server_->port();
  server_->Stop();
  server_->Stop();
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2, 0);
  EXPECT_FALSE(client.Get("/_sim/clock"));
  server_.reset();  // the destructor stops once more

  api::Router router;
  HttpServer never_started(router);
  never_started.Stop();
}

TEST_F(HttpServerTest, SixteenParallelClientsAllGet200) {
  StartServer();
  std::atomic<int> ok{0};
  std::vector<std::string> failures(16);
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      auto client = Client();
      for (int n = 0; n < 5; ++n) {
        auto res = client->Get("/_sim/clock");
        if (res && res->status == 200) {
          ++ok;
        } else {
          failures[i] = res ? "status " + std::to_string(res->status) : httplib::to_string(res.error());
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 16 * 5);
  for (const auto& f : failures) EXPECT_EQ(f, "");
}

TEST_F(HttpServerTest, SlowClientDoesNotHoldTheOnlyWorker) {
  HttpServerOptions options;
  options.threads = 1;
  options.request_timeout_seconds = 1;
  options.keep_alive_timeout_seconds = 1;
  StartServer(options);
  // A client that sends half a request line and then stalls.
  int sock = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(sock, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(server_->port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(sock, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  std::string partial = "GET /_sim/clock HTTP/1.1\r\nHost: localhost";
  ASSERT_EQ(::send(sock, partial.data(), partial.size(), 0), static_cast<ssize_t>(partial.size()));

  auto res = Client()->Get("/_sim/clock");
  ::close(sock);
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
}

TEST_F(HttpServerTest, TheQueryIsNotPartOfThePath) {
  StartServer();
  // /_sim/requests records the decoded path; the query must not leak into it.
  auto res = Client()->Get("/_sim/clock?b=2&a=1");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  auto journal = Client()->Get("/_sim/requests");
  ASSERT_TRUE(journal);
  EXPECT_NE(journal->body.find("\"/_sim/clock\""), std::string::npos) << journal->body;
}

}  // namespace
}  // namespace pcsim::http
