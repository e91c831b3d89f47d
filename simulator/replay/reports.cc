// Audit reports of a replay (see reports.h): gathers each scenario once,
// under its router's lock, and has the writers of reports_internal.h make
// the files.
#include "simulator/replay/reports.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "simulator/model/errors.h"
#include "simulator/api/resources.h"
#include "simulator/replay/reports_internal.h"

namespace pcsim::replay::report {
namespace {

// ---------------------------------------------------------------------------
// File names

// File names

// A filesystem-safe name for a scenario file: its path without the extension,
// lower case, every run of other characters than [a-z0-9-] as one '_'
// ("scenarios/nce/add-seats.yaml" -> "scenarios_nce_add-seats"). Collisions
// get "_2", "_3", ... in the order of the results.
std::string Slug(const std::string& file, std::set<std::string>& used) {
  std::string path = file;
  for (std::string_view ext : {".yaml", ".yml", ".json"}) {
    if (path.size() > ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0) {
      path.resize(path.size() - ext.size());
      break;
    }
  }
  std::string slug;
  for (char ch : path) {
    unsigned char c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') slug += static_cast<char>(c);
    else if (c >= 'A' && c <= 'Z') slug += static_cast<char>(c - 'A' + 'a');
    else if (!slug.empty() && slug.back() != '_') slug += '_';
  }
  while (!slug.empty() && slug.back() == '_') slug.pop_back();
  constexpr size_t kMaxLength = 100;
  if (slug.size() > kMaxLength) {
    slug = slug.substr(slug.size() - kMaxLength);
    while (!slug.empty() && (slug.front() == '_' || slug.front() == '-')) slug.erase(0, 1);
  }
  if (slug.empty() || slug.front() == '-') slug = "scenario" + slug;
  std::string unique = slug;
  for (int n = 2; used.count(unique); ++n) unique = slug + "_" + std::to_string(n);
  used.insert(unique);
  return unique;
}

// ---------------------------------------------------------------------------
// One scenario's facts

std::optional<Band> BandAfter(JournalKind kind) {
  switch (kind) {
    case JournalKind::Purchased:
    case JournalKind::Reactivated:
    case JournalKind::Renewed: return Band::Active;
    case JournalKind::Suspended: return Band::Suspended;
    case JournalKind::Expired: return Band::Expired;
    case JournalKind::Disabled: return Band::Disabled;
    case JournalKind::Cancelled:
    case JournalKind::Deleted: return Band::Deleted;
    case JournalKind::ExtendedServiceTermStarted: return Band::Est;
    default: return std::nullopt;
  }
}

// One lane per subscription with its status transitions from the journal:
// active from its creation, then the band after each change (the last change
// at an instant wins; equal neighbours merged).
std::vector<Lane> LanesOf(const ScenarioResult& r, const Sandbox& sandbox) {
  const auto& subs = sandbox.subscriptions();
  std::vector<Lane> lanes(subs.size());
  for (size_t i = 0; i < subs.size(); ++i) {
    lanes[i].sub = subs[i].get();
    lanes[i].ref = RefOrId(r, subs[i]->id);
    lanes[i].transitions.push_back({Seconds(subs[i]->created), Band::Active});
  }
  const auto& journal = sandbox.journal();
  for (size_t i = 0; i < journal.size(); ++i) {
    const JournalEntry& e = journal[i];
    std::optional<Band> band = BandAfter(e.kind);
    if (!band || e.subject >= lanes.size()) continue;
    auto& tr = lanes[e.subject].transitions;
    int64_t t = std::max(Seconds(e.at), tr.front().first);
    if (tr.back().first == t) tr.back().second = *band;
    else tr.push_back({t, *band});
  }
  for (Lane& lane : lanes) {
    std::vector<std::pair<int64_t, Band>> merged;
    for (const auto& tb : lane.transitions)
      if (merged.empty() || merged.back().second != tb.second) merged.push_back(tb);
    lane.transitions = std::move(merged);
  }
  return lanes;
}

// Who made a journal entry: the partner (with the caller's user or
// application when the request named one), or pcsim itself (the clock, a rule).
std::string ByWhom(const Sandbox& sandbox, const JournalEntry& e) {
  const RequestOrigin* request = sandbox.RequestOf(e);
  if (request == nullptr) return "pcsim";
  const std::string& who =
      !request->user_principal_name.empty() ? request->user_principal_name : request->application_id;
  return who.empty() ? "partner" : "partner (" + who + ")";
}

// The seats before a seat change: the quantity of the refund line its event
// wrote just before it in the journal.
std::optional<int> SeatsBefore(const Sandbox& sandbox, size_t change) {
  const auto& journal = sandbox.journal();
  for (size_t k = change; k-- > 0 && journal[k].kind == JournalKind::Charged;) {
    const ChargeLine& line = sandbox.ledger().line(journal[k].detail);
    if (line.subscription == journal[change].subject && (line.flags & kLineRefund)) return line.quantity;
  }
  return std::nullopt;
}

// The mark of a journal entry on its subscription's lane, if it has one.
std::optional<EventMark> MarkOf(const Sandbox& sandbox, size_t index) {
  const JournalEntry& e = sandbox.journal()[index];
  EventMark m;
  m.t = Seconds(e.at);
  m.by = ByWhom(sandbox, e);
  const std::string arrow = "\xE2\x86\x92";
  switch (e.kind) {
    case JournalKind::QuantityChanged: {
      const std::optional<int> before = SeatsBefore(sandbox, index);
      m.mark = Mark::Seats;
      m.label = "seats " + (before ? std::to_string(*before) : std::string()) + arrow + std::to_string(e.detail);
      m.text = "seats changed " + (before ? "from " + std::to_string(*before) + " " : std::string()) + "to " +
               std::to_string(e.detail);
      return m;
    }
    case JournalKind::AutoRenewChanged:
      m.mark = Mark::AutoRenew;
      m.label = e.detail != 0 ? "auto-renew on" : "auto-renew off";
      m.text = "auto-renew turned " + std::string(e.detail != 0 ? "on" : "off");
      return m;
    case JournalKind::ScheduledActionSet: {
      const std::optional<ScheduledActionType> action = ScheduledActionOfDetail(e.detail);
      const ActionOrigin origin = ActionOriginOfDetail(e.detail);
      if (!action) {
        m.mark = Mark::Action;
        m.label = "action removed";
        m.text = "scheduled action removed";
        return m;
      }
      const std::string name(ToString(*action));
      const bool rule = origin != ActionOrigin::Partner;
      if (rule) m.by = std::string(ToString(origin));
      m.mark = rule ? Mark::RuleAction : Mark::Action;
      const std::string shortname = *action == ScheduledActionType::RenewToExtendedServiceTerm ? "EST" : name;
      m.label = shortname + " (" + std::string(ToString(origin)) + ")";
      m.text = "scheduled action " + name + " set by " + std::string(ToString(origin));
      return m;
    }
    case JournalKind::NextTermScheduled:
      m.label = e.detail != 0 ? "next term set" : "next term removed";
      m.text = e.detail != 0 ? "next-term instructions set" : "next-term instructions removed";
      return m;
    case JournalKind::BillingPlanChangeScheduled:
      m.label = "billing change";
      m.text = "billing plan change scheduled for the next cycle";
      return m;
    case JournalKind::TermChanged:
      m.label = "term changed";
      m.text = "term changed: a new term starts";
      return m;
    case JournalKind::TrialConverted:
      m.label = "trial converted";
      m.text = "trial converted to a paid subscription";
      return m;
    case JournalKind::Upgraded:
      m.label = "upgraded";
      m.text = "upgraded (transition)";
      return m;
    default: return std::nullopt;
  }
}

// The lanes, each ledger line's wire form and explanation, the marks of
// the journal, and the totals by lane and by currency.
ScenarioData Gather(const ScenarioResult& r, const Sandbox& sandbox) {
  ScenarioData data;
  data.result = &r;
  data.sandbox = &sandbox;
  data.lanes = LanesOf(r, sandbox);
  const auto& journal = sandbox.journal();
  for (size_t i = 0; i < journal.size(); ++i) {
    if (journal[i].subject >= data.lanes.size() || journal[i].kind == JournalKind::Charged) continue;
    if (std::optional<EventMark> mark = MarkOf(sandbox, i)) data.lanes[journal[i].subject].events.push_back(*mark);
  }
  const Ledger& ledger = sandbox.ledger();
  data.wire.reserve(ledger.lines().size());
  for (size_t i = 0; i < ledger.lines().size(); ++i) {
    const ChargeLine& line = ledger.line(static_cast<uint32_t>(i));
    data.wire.push_back(api::LineItemJson(sandbox, line));
    data.explanations.push_back(sandbox.ExplainCharge(line));
    data.term_texts.push_back(sandbox.TermAndBillingCycleText(line));
    const std::string currency = WireField(data.wire.back(), "currency");
    data.totals[currency] += line.total;
    if (line.subscription < data.lanes.size()) {
      Lane& lane = data.lanes[line.subscription];
      lane.lines.push_back(static_cast<uint32_t>(i));
      lane.total += line.total;
      lane.totals[currency] += line.total;
    }
  }
  return data;
}

// ---------------------------------------------------------------------------
// Writing

struct Output {
  std::string lines_csv;
  std::string subscriptions_csv;
  std::vector<std::pair<std::string, std::string>> pages;  // slug -> html
  std::vector<IndexEntry> index;
};

// A scenario's CSV rows, page and index entry; an invalid scenario (or one
// without a router) has a page and an entry only.
void AddScenario(const ScenarioResult& r, const std::string& slug, Output& output) {
  IndexEntry entry;
  entry.result = &r;
  entry.slug = slug;
  std::string page;
  if (r.outcome != Outcome::Invalid && r.router) {
    std::lock_guard<std::mutex> lock(r.router->mutex());
    const ScenarioData data = Gather(r, r.router->sandbox());
    AppendLinesCsvRows(data, output.lines_csv);
    AppendSubscriptionsCsvRows(data, output.subscriptions_csv);
    page = ScenarioPage(r, &data);
    entry.lines = data.wire.size();
    entry.subscriptions = data.lanes.size();
    entry.totals = data.totals;
  } else {
    page = ScenarioPage(r, nullptr);
  }
  output.pages.push_back({slug, std::move(page)});
  output.index.push_back(std::move(entry));
}

Status IoError(const std::string& what, const std::string& path, const std::string& reason) {
  return Error<Err::ReportNotWritten>(what, path, reason.empty() ? "unknown error" : reason);
}

Status WriteFile(const std::filesystem::path& path, const std::string& content) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) return IoError("write", path.string(), std::strerror(errno));
  f.write(content.data(), static_cast<std::streamsize>(content.size()));
  f.close();
  if (!f) return IoError("write", path.string(), std::strerror(errno));
  return OkStatus();
}

Status CreateDirectory(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return IoError("create the report folder", path.string(), ec.message());
  if (!std::filesystem::is_directory(path, ec)) return IoError("create the report folder", path.string(), "not a directory");
  return OkStatus();
}

Status WriteReportsUnchecked(const std::vector<ScenarioResult>& results, const std::string& dir) {
  if (dir.empty()) return Error<Err::ReportFolderMissing>();
  Output output;
  AppendLinesCsvHeader(output.lines_csv);
  AppendSubscriptionsCsvHeader(output.subscriptions_csv);
  std::set<std::string> used;
  for (const ScenarioResult& r : results) AddScenario(r, Slug(r.file, used), output);

  const std::filesystem::path root(dir);
  PCSIM_RETURN_IF_ERROR(CreateDirectory(root));
  PCSIM_RETURN_IF_ERROR(CreateDirectory(root / "scenarios"));
  PCSIM_RETURN_IF_ERROR(WriteFile(root / "lines.csv", output.lines_csv));
  PCSIM_RETURN_IF_ERROR(WriteFile(root / "subscriptions.csv", output.subscriptions_csv));
  for (const auto& [slug, html] : output.pages) PCSIM_RETURN_IF_ERROR(WriteFile(root / "scenarios" / (slug + ".html"), html));
  PCSIM_RETURN_IF_ERROR(WriteFile(root / "index.html", IndexPage(output.index)));
  return OkStatus();
}

}  // namespace
}  // namespace pcsim::replay::report

namespace pcsim::replay {

Status WriteReports(const std::vector<ScenarioResult>& results, const std::string& dir) {
  try {
    return report::WriteReportsUnchecked(results, dir);
  } catch (const std::exception& e) {
    return Error<Err::ReportNotWritten>("write the reports to", dir, e.what());
  } catch (...) {
    return Error<Err::ReportNotWritten>("write the reports to", dir, "unknown error");
  }
}

}  // namespace pcsim::replay
