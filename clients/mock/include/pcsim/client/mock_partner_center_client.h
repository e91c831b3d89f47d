// MockPartnerCenterClient: a GMock implementation of PartnerCenterApi, for
// unit tests of integration code that should not even start a sandbox.
//
//   pcsim::client::MockPartnerCenterClient pc;
//   EXPECT_CALL(pc, ListSubscriptions("customer-1")).WillOnce(Return(std::vector<Subscription>{...}));
//   EXPECT_CALL(pc, SetScheduledActions("customer-1", "sub-1", _)).WillOnce(Return(updated));
#pragma once

#include <gmock/gmock.h>

#include "pcsim/client/partner_center_client.h"

namespace pcsim::client {

class MockPartnerCenterClient : public PartnerCenterApi {
 public:
  MOCK_METHOD(StatusOr<Customer>, CreateCustomer, (const NewCustomer& customer), (override));
  MOCK_METHOD(StatusOr<Customer>, GetCustomer, (const std::string& customer_id), (override));
  MOCK_METHOD(StatusOr<std::vector<Customer>>, ListCustomers, (), (override));
  MOCK_METHOD(Status, AcceptAgreement, (const std::string& customer_id, const AgreementAcceptance& acceptance),
              (override));
  MOCK_METHOD(StatusOr<std::vector<Availability>>, ListAvailabilities,
              (const std::string& product_id, const std::string& sku_id, const std::string& country), (override));
  MOCK_METHOD(StatusOr<Cart>, CreateCart, (const std::string& customer_id, const std::vector<CartLineItem>& lines),
              (override));
  MOCK_METHOD(StatusOr<CheckoutResult>, Checkout, (const std::string& customer_id, const std::string& cart_id),
              (override));
  MOCK_METHOD(StatusOr<Order>, GetOrder, (const std::string& customer_id, const std::string& order_id), (override));
  MOCK_METHOD(StatusOr<std::vector<Order>>, ListOrders, (const std::string& customer_id), (override));
  MOCK_METHOD(StatusOr<std::vector<Subscription>>, ListSubscriptions, (const std::string& customer_id), (override));
  MOCK_METHOD(StatusOr<Subscription>, GetSubscription,
              (const std::string& customer_id, const std::string& subscription_id), (override));
  MOCK_METHOD(StatusOr<Subscription>, UpdateSubscription, (const Subscription& subscription), (override));
  MOCK_METHOD(StatusOr<Subscription>, SetQuantity,
              (const std::string& customer_id, const std::string& subscription_id, int quantity), (override));
  MOCK_METHOD(StatusOr<Subscription>, SetAutoRenew,
              (const std::string& customer_id, const std::string& subscription_id, bool enabled), (override));
  MOCK_METHOD(StatusOr<Subscription>, SetScheduledActions,
              (const std::string& customer_id, const std::string& subscription_id,
               const std::vector<ScheduledAction>& actions),
              (override));
  MOCK_METHOD(StatusOr<Subscription>, CancelSubscription,
              (const std::string& customer_id, const std::string& subscription_id), (override));
  MOCK_METHOD(StatusOr<std::vector<Invoice>>, ListInvoices, (), (override));
  MOCK_METHOD(StatusOr<std::vector<InvoiceLineItem>>, ListInvoiceLineItems, (const std::string& invoice_id),
              (override));
  MOCK_METHOD(StatusOr<std::vector<InvoiceLineItem>>, ListUnbilledLineItems,
              (const std::string& currency, const std::string& period), (override));
  MOCK_METHOD(StatusOr<std::string>, GetPriceSheet, (const PriceSheetRequest& request), (override));
  MOCK_METHOD(StatusOr<std::string>, StartBillingExport, (const BillingExportRequest& request), (override));
  MOCK_METHOD(StatusOr<BillingOperation>, WaitForExport, (const std::string& operation_url, const ExportWait& wait),
              (override));
  MOCK_METHOD(StatusOr<ExportManifest>, GetExportManifest, (const std::string& manifest_url), (override));
  MOCK_METHOD(StatusOr<std::vector<ReconciliationRow>>, ReadReconciliationRows, (const ExportManifest& manifest),
              (override));
  MOCK_METHOD(StatusOr<std::vector<UsageRow>>, ReadUsageRows, (const ExportManifest& manifest), (override));
  MOCK_METHOD(Status, VisitReconciliationRows,
              (const ExportManifest& manifest, const ReconciliationRowVisitor& visit), (override));
  MOCK_METHOD(Status, VisitUsageRows, (const ExportManifest& manifest, const UsageRowVisitor& visit), (override));
  MOCK_METHOD(StatusOr<std::vector<ReconciliationRow>>, ExportBilledReconciliation,
              (const std::string& invoice_id, ExportAttributeSet attribute_set, const ExportWait& wait), (override));
};

}  // namespace pcsim::client
