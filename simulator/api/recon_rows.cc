// Rows of the Graph billing exports, written straight into a buffer: an
// export of a million lines is rendered in seconds, so no JSON document is
// built per row. The attribute tables below are the documented ones
// (docs/graph-billing.md cites each source).
#include "simulator/api/recon_rows.h"

#include <array>
#include <charconv>

#include "simulator/api/json_support.h"
#include "simulator/api/resources.h"
#include "simulator/model/seeded_random.h"

namespace pcsim::api {
namespace {

// --- the attribute tables ----------------------------------------------------------

// Reconciliation rows: the columns of the new-commerce invoice reconciliation
// file ("Understand how to read new commerce invoice reconciliation files"),
// which the v2 export carries as keys ("Billed invoice reconciliation API v2
// (GA)"). The second value says whether the basic set has it.
#define PCSIM_RECON_COLUMNS(X)                                                                           \
  X(PartnerId, true) X(CustomerId, true) X(CustomerName, true) X(CustomerDomainName, false)              \
  X(CustomerCountry, false) X(InvoiceNumber, true) X(MpnId, false) X(ResellerMpnId, false) X(OrderId, true) \
  X(OrderDate, true) X(ProductId, true) X(SkuId, true) X(AvailabilityId, true) X(SkuName, true)          \
  X(ProductName, true) X(ChargeType, true) X(UnitPrice, true) X(Quantity, true) X(Subtotal, true)        \
  X(TaxTotal, true) X(Total, true) X(Currency, true) X(PriceAdjustmentDescription, false)                 \
  X(PublisherName, false) X(PublisherId, false) X(SubscriptionDescription, false) X(SubscriptionId, true) \
  X(ChargeStartDate, true) X(ChargeEndDate, true) X(TermAndBillingCycle, true) X(EffectiveUnitPrice, true) \
  X(UnitType, false) X(AlternateId, false) X(BillableQuantity, true) X(BillingFrequency, true)            \
  X(PricingCurrency, true) X(PCToBCExchangeRate, true) X(PCToBCExchangeRateDate, false)                   \
  X(MeterDescription, false) X(ReservationOrderId, false) X(CreditReasonCode, false)                      \
  X(SubscriptionStartDate, true) X(SubscriptionEndDate, true) X(ReferenceId, true)                        \
  X(ProductQualifiers, false) X(PromotionId, true)

// Usage rows: Microsoft Graph, "attributeSet enum type" (partners-billing-attributeset).
#define PCSIM_USAGE_COLUMNS(X)                                                                               \
  X(AdditionalInfo, true) X(AvailabilityId, false) X(BenefitID, false) X(BenefitOrderID, true)              \
  X(BenefitType, true) X(BillingCurrency, true) X(BillingPreTaxTotal, true) X(ChargeEndDate, true)           \
  X(ChargeStartDate, true) X(ChargeType, true) X(ConsumedService, false) X(CreditPercentage, true)           \
  X(CreditType, true) X(CustomerCountry, false) X(CustomerDomainName, false) X(CustomerId, true)             \
  X(CustomerName, true) X(EffectiveUnitPrice, true) X(EntitlementDescription, false) X(EntitlementId, true)  \
  X(InvoiceNumber, true) X(MeterCategory, false) X(MeterId, false) X(MeterName, false) X(MeterRegion, false) \
  X(MeterSubCategory, false) X(MeterType, false) X(MpnId, false) X(PartnerEarnedCreditPercentage, false)     \
  X(PartnerId, true) X(PartnerName, true) X(PCToBCExchangeRate, true) X(PricingCurrency, true)               \
  X(PricingPreTaxTotal, true) X(ProductId, true) X(ProductName, false) X(PublisherId, false)                 \
  X(PublisherName, true) X(Quantity, true) X(ResourceGroup, false) X(ResourceLocation, false)                \
  X(ResourceURI, true) X(ServiceInfo1, false) X(ServiceInfo2, false) X(SkuId, true) X(SkuName, true)         \
  X(SubscriptionDescription, false) X(SubscriptionId, true) X(Tags, false) X(Tier2MpnId, false)              \
  X(Unit, false) X(UnitPrice, true) X(UnitType, true) X(UsageDate, true)

enum class ReconColumn : uint8_t {
#define PCSIM_ENUM(name, basic) name,
  PCSIM_RECON_COLUMNS(PCSIM_ENUM)
#undef PCSIM_ENUM
};
enum class UsageColumn : uint8_t {
#define PCSIM_ENUM(name, basic) name,
  PCSIM_USAGE_COLUMNS(PCSIM_ENUM)
#undef PCSIM_ENUM
};

template <typename Column>
struct ColumnInfo {
  Column column;
  std::string_view key;  // "\"PartnerId\":", written before the value
  bool basic;
};

constexpr std::array kReconColumns = {
#define PCSIM_INFO(name, basic) ColumnInfo<ReconColumn>{ReconColumn::name, "\"" #name "\":", basic},
    PCSIM_RECON_COLUMNS(PCSIM_INFO)
#undef PCSIM_INFO
};
constexpr std::array kUsageColumns = {
#define PCSIM_INFO(name, basic) ColumnInfo<UsageColumn>{UsageColumn::name, "\"" #name "\":", basic},
    PCSIM_USAGE_COLUMNS(PCSIM_INFO)
#undef PCSIM_INFO
};

// --- writing values ----------------------------------------------------------------

// A JSON string: runs of plain characters are copied at once.
void AppendString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t plain = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto u = static_cast<unsigned char>(s[i]);
    if (u >= 0x20 && u != '"' && u != '\\') continue;
    out.append(s.data() + plain, i - plain);
    plain = i + 1;
    out.push_back('\\');
    if (u >= 0x20) {
      out.push_back(s[i]);
    } else {
      out.append("u00");
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xF]);
    }
  }
  out.append(s.data() + plain, s.size() - plain);
  out.push_back('"');
}

// The v1 line items' DateTimeOf(d), "2026-01-15T00:00:00Z", without a
// temporary string.
void AppendDateTime(std::string& out, Date d, std::string_view time = "T00:00:00Z") {
  out.push_back('"');
  out += d.ToString();  // ten characters: no allocation
  out += time;
  out.push_back('"');
}

// The same text Number() gives the v1 line items: exact, without trailing zeros.
void AppendMoney(std::string& out, Decimal d) { out += d.Normalized().ToString(); }

void AppendInt(std::string& out, int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  out.append(buf, end);
}

template <typename Column, size_t N, typename Write>
void AppendRow(const std::array<ColumnInfo<Column>, N>& columns, AttributeSet set, std::string& out, Write&& write) {
  out.push_back('{');
  bool first = true;
  for (const auto& info : columns) {
    if (set == AttributeSet::Basic && !info.basic) continue;
    if (!first) out.push_back(',');
    first = false;
    out += info.key;
    write(info.column);
  }
  out += "}\n";
}

template <typename Column, size_t N>
std::vector<std::string_view> NamesOf(const std::array<ColumnInfo<Column>, N>& columns, AttributeSet set) {
  std::vector<std::string_view> names;
  for (const auto& info : columns)
    if (set == AttributeSet::Full || info.basic) names.push_back(info.key.substr(1, info.key.size() - 3));
  return names;
}

}  // namespace

std::string_view ToString(AttributeSet set) { return set == AttributeSet::Full ? "full" : "basic"; }

bool IsUsage(ExportKind kind) { return kind == ExportKind::BilledUsage || kind == ExportKind::UnbilledUsage; }

std::vector<std::string_view> ExportColumns(ExportKind kind, AttributeSet set) {
  return IsUsage(kind) ? NamesOf(kUsageColumns, set) : NamesOf(kReconColumns, set);
}

void AppendReconciliationRow(const Sandbox& sandbox, const ChargeLine& line, AttributeSet set, bool as_unbilled,
                             std::string& out) {
  const Customer& customer = sandbox.CustomerAt(line.customer);
  const Subscription& sub = sandbox.SubscriptionAt(line.subscription);
  const Offer& offer = *sandbox.catalog().OfferAt(line.offer);
  const Order& order = sandbox.OrderAt(line.order);
  const bool invoiced = !as_unbilled && line.invoice != kNoIndex;
  const Decimal total = line.total;
  AppendRow(kReconColumns, set, out, [&](ReconColumn column) {
    switch (column) {
      case ReconColumn::PartnerId: return AppendString(out, customer.partner_tenant_id);
      case ReconColumn::CustomerId: return AppendString(out, customer.id);
      case ReconColumn::CustomerName: return AppendString(out, customer.company_name);
      case ReconColumn::CustomerDomainName: return AppendString(out, customer.domain);
      case ReconColumn::CustomerCountry: return AppendString(out, customer.country());
      case ReconColumn::InvoiceNumber:
        return AppendString(out, invoiced ? std::string_view(sandbox.ledger().invoices()[line.invoice].id) : "");
      case ReconColumn::MpnId: return AppendString(out, "");
      case ReconColumn::ResellerMpnId: return AppendString(out, sub.reseller_id);
      case ReconColumn::OrderId: return AppendString(out, order.id);
      case ReconColumn::OrderDate: return AppendString(out, line.order_date.ToString());
      case ReconColumn::ProductId: return AppendString(out, offer.product->id);
      case ReconColumn::SkuId: return AppendString(out, offer.sku->id);
      case ReconColumn::AvailabilityId: return AppendString(out, offer.availability->id);
      case ReconColumn::SkuName: return AppendString(out, offer.sku->title);
      case ReconColumn::ProductName: return AppendString(out, offer.product->title);
      case ReconColumn::ChargeType: return AppendString(out, ToString(line.charge_type));
      case ReconColumn::UnitPrice: return AppendMoney(out, line.unit_price);
      case ReconColumn::Quantity: return AppendInt(out, line.quantity);
      case ReconColumn::Subtotal: return AppendMoney(out, total);
      case ReconColumn::TaxTotal: return AppendMoney(out, Decimal());
      case ReconColumn::Total: return AppendMoney(out, total);
      case ReconColumn::Currency: return AppendString(out, offer.market->currency);
      case ReconColumn::PriceAdjustmentDescription: return AppendString(out, "[]");
      case ReconColumn::PublisherName: return AppendString(out, offer.product->publisher_name);
      case ReconColumn::PublisherId: return AppendString(out, "");
      case ReconColumn::SubscriptionDescription: return AppendString(out, offer.sku->title);
      case ReconColumn::SubscriptionId: return AppendString(out, sub.id);
      case ReconColumn::ChargeStartDate: return AppendDateTime(out, line.charge_start);
      case ReconColumn::ChargeEndDate: return AppendDateTime(out, line.charge_end);
      case ReconColumn::TermAndBillingCycle: return AppendString(out, sandbox.TermAndBillingCycleText(line));
      case ReconColumn::EffectiveUnitPrice: return AppendMoney(out, line.effective_unit_price);
      case ReconColumn::UnitType: return AppendString(out, "Licenses");
      case ReconColumn::AlternateId: return AppendString(out, order.id);
      case ReconColumn::BillableQuantity: return AppendInt(out, line.quantity);
      case ReconColumn::BillingFrequency:
        return AppendString(out, invoiced ? BillingFrequencyText(line.billing) : std::string_view());
      case ReconColumn::PricingCurrency: return AppendString(out, offer.market->currency);
      case ReconColumn::PCToBCExchangeRate: return AppendInt(out, 1);
      case ReconColumn::PCToBCExchangeRateDate:
        return AppendDateTime(out, line.order_date.date().FirstOfMonth(), "T00:00:00");
      case ReconColumn::MeterDescription: return AppendString(out, "");
      case ReconColumn::ReservationOrderId: return AppendString(out, "");
      case ReconColumn::CreditReasonCode: return AppendString(out, "");
      case ReconColumn::SubscriptionStartDate: return AppendDateTime(out, line.subscription_start);
      case ReconColumn::SubscriptionEndDate: return AppendDateTime(out, line.subscription_end);
      case ReconColumn::ReferenceId: return AppendString(out, GuidFromNumber(sandbox.seed(), line.reference));
      case ReconColumn::ProductQualifiers: {
        out.push_back('[');
        if (line.flags & kLineAddOn) out += "\"AddOn\"";
        if (line.flags & kLineTrial) out += (line.flags & kLineAddOn) ? ",\"Trial\"" : "\"Trial\"";
        out.push_back(']');
        return;
      }
      case ReconColumn::PromotionId:
        return AppendString(out, line.promotion == kNoIndex
                                     ? std::string_view()
                                     : std::string_view(sandbox.catalog().data().promotions[line.promotion].id));
    }
  });
}

void AppendUsageRow(const Sandbox& sandbox, const UsageLine& line, AttributeSet set, std::string& out) {
  const Subscription& plan = *line.plan;
  const Customer& customer = sandbox.CustomerAt(plan.customer);
  const Meter& meter = *line.meter;
  const std::string& currency = sandbox.CurrencyOf(line);
  const Date month = line.key->day.FirstOfMonth();
  const bool invoiced = line.record->invoice != UINT32_MAX;
  AppendRow(kUsageColumns, set, out, [&](UsageColumn column) {
    switch (column) {
      case UsageColumn::AdditionalInfo: return AppendString(out, "");
      case UsageColumn::AvailabilityId: return AppendString(out, "");
      case UsageColumn::BenefitID: return AppendString(out, "");
      case UsageColumn::BenefitOrderID: return AppendString(out, "");
      case UsageColumn::BenefitType: return AppendString(out, "");
      case UsageColumn::BillingCurrency: return AppendString(out, currency);
      case UsageColumn::BillingPreTaxTotal: return AppendMoney(out, line.amounts.billing_pre_tax_total);
      case UsageColumn::ChargeEndDate: return AppendDateTime(out, month.AddMonthsClamped(1));
      case UsageColumn::ChargeStartDate: return AppendDateTime(out, month);
      case UsageColumn::ChargeType: return AppendString(out, "new");
      case UsageColumn::ConsumedService: return AppendString(out, meter.service);
      case UsageColumn::CreditPercentage: return AppendMoney(out, Decimal());
      case UsageColumn::CreditType: return AppendString(out, "Credit Not Applied");
      case UsageColumn::CustomerCountry: return AppendString(out, customer.country());
      case UsageColumn::CustomerDomainName: return AppendString(out, customer.domain);
      case UsageColumn::CustomerId: return AppendString(out, customer.id);
      case UsageColumn::CustomerName: return AppendString(out, customer.company_name);
      case UsageColumn::EffectiveUnitPrice: return AppendMoney(out, line.amounts.effective_unit_price);
      case UsageColumn::EntitlementDescription: return AppendString(out, line.entitlement->friendly_name);
      case UsageColumn::EntitlementId: return AppendString(out, line.entitlement->id);
      case UsageColumn::InvoiceNumber:
        return AppendString(out, invoiced ? std::string_view(sandbox.ledger().invoices()[line.record->invoice].id)
                                          : std::string_view());
      case UsageColumn::MeterCategory: return AppendString(out, meter.category);
      case UsageColumn::MeterId: return AppendString(out, meter.id);
      case UsageColumn::MeterName: return AppendString(out, meter.name);
      case UsageColumn::MeterRegion: return AppendString(out, meter.region);
      case UsageColumn::MeterSubCategory: return AppendString(out, meter.subcategory);
      case UsageColumn::MeterType: return AppendString(out, meter.unit);
      case UsageColumn::MpnId: return AppendString(out, "");
      case UsageColumn::PartnerEarnedCreditPercentage: return AppendMoney(out, line.amounts.pec_rate);
      case UsageColumn::PartnerId: return AppendString(out, customer.partner_tenant_id);
      case UsageColumn::PartnerName: return AppendString(out, "");
      case UsageColumn::PCToBCExchangeRate: return AppendInt(out, 1);
      case UsageColumn::PricingCurrency: return AppendString(out, currency);
      case UsageColumn::PricingPreTaxTotal: return AppendMoney(out, line.amounts.pricing_pre_tax_total);
      case UsageColumn::ProductId: return AppendString(out, meter.product_id);
      case UsageColumn::ProductName: return AppendString(out, meter.product_name);
      case UsageColumn::PublisherId: return AppendString(out, "");
      case UsageColumn::PublisherName: return AppendString(out, meter.publisher_name);
      case UsageColumn::Quantity: return AppendMoney(out, line.record->quantity);
      case UsageColumn::ResourceGroup: return AppendString(out, "");
      case UsageColumn::ResourceLocation: return AppendString(out, meter.region);
      case UsageColumn::ResourceURI: return AppendString(out, "/subscriptions/" + line.entitlement->id);
      case UsageColumn::ServiceInfo1: return AppendString(out, "");
      case UsageColumn::ServiceInfo2: return AppendString(out, "");
      case UsageColumn::SkuId: return AppendString(out, meter.sku_id);
      case UsageColumn::SkuName: return AppendString(out, meter.sku_name);
      case UsageColumn::SubscriptionDescription: return AppendString(out, plan.offer->sku->title);
      case UsageColumn::SubscriptionId: return AppendString(out, plan.id);
      case UsageColumn::Tags: return AppendString(out, "");
      case UsageColumn::Tier2MpnId: return AppendString(out, plan.reseller_id);
      case UsageColumn::Unit: return AppendString(out, meter.unit);
      case UsageColumn::UnitPrice: return AppendMoney(out, line.amounts.unit_price);
      case UsageColumn::UnitType: return AppendString(out, "");
      case UsageColumn::UsageDate: return AppendDateTime(out, line.key->day);
    }
  });
}

}  // namespace pcsim::api
