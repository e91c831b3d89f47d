#include "simulator/api/resources.h"

#include <algorithm>

#include "simulator/api/router.h"

namespace pcsim::api {

Json Attributes(std::string_view object_type) { return Json{{"objectType", object_type}}; }

std::string InvoiceCurrencySymbol(const std::string& currency) {
  return currency == "USD" ? "$" : currency == "EUR" ? "€" : currency == "GBP" ? "£" : currency;
}

namespace {

Json ProductLinks(const Offer& offer, const std::string& country) {
  const std::string& p = offer.product->id;
  const std::string& s = offer.sku->id;
  Json links = ObjectWithCapacity(4);  // and "self", added by the callers
  links["product"] = LinkJson("/products/" + p + "?country=" + country);
  links["sku"] = LinkJson("/products/" + p + "/skus/" + s + "?country=" + country);
  links["availability"] =
      LinkJson("/products/" + p + "/skus/" + s + "/availabilities/" + offer.availability->id + "?country=" + country);
  return links;
}

Json NextTermJson(const NextTermInstructions& n) {
  Json product = ObjectWithCapacity(6);
  product["productId"] = n.offer->product->id;
  product["skuId"] = n.offer->sku->id;
  product["availabilityId"] = n.offer->availability->id;
  product["billingCycle"] = WireBillingCycle(n.billing);
  product["termDuration"] = ToString(n.term);
  if (!n.promotion_id.empty()) product["promotionId"] = n.promotion_id;
  Json j = ObjectWithCapacity(4);
  j["product"] = std::move(product);
  j["quantity"] = n.quantity;
  if (n.custom_term_end) j["customTermEndDate"] = DateTimeOf(*n.custom_term_end);
  return j;
}

}  // namespace

std::string_view WireBillingCycle(Billing b) { return ToString(b); }

std::string_view BillingFrequencyText(Billing b) {
  switch (b) {
    case Billing::Monthly: return "Monthly";
    case Billing::Annual: return "Annual";
    case Billing::Triennial: return "Triennial";
    case Billing::None: return "";
  }
  return "";
}

Json AddressJson(const Address& a) {
  Json j = ObjectWithCapacity(12);
  j["country"] = a.country;
  if (!a.region.empty()) j["region"] = a.region;
  j["city"] = a.city;
  j["state"] = a.state;
  j["addressLine1"] = a.address_line1;
  if (!a.address_line2.empty()) j["addressLine2"] = a.address_line2;
  if (!a.address_line3.empty()) j["addressLine3"] = a.address_line3;
  j["postalCode"] = a.postal_code;
  j["firstName"] = a.first_name;
  j["lastName"] = a.last_name;
  j["phoneNumber"] = a.phone_number;
  return j;
}

Json CompanyProfileJson(const Customer& c) {
  Json j = ObjectWithCapacity(12);
  j["tenantId"] = c.id;
  j["domain"] = c.domain;
  j["companyName"] = c.company_name;
  if (!c.organization_registration_number.empty())
    j["organizationRegistrationNumber"] = c.organization_registration_number;
  j["address"] = AddressJson(c.address);
  j["email"] = c.email;
  j["links"] = Json{{"self", LinkJson("/customers/" + c.id + "/profiles/company")}};
  j["attributes"] = Attributes("CustomerCompanyProfile");
  return j;
}

Json BillingProfileJson(const Customer& c) {
  Json j = ObjectWithCapacity(12);
  j["id"] = c.billing_profile_id;
  j["firstName"] = c.address.first_name;
  j["lastName"] = c.address.last_name;
  j["email"] = c.email;
  j["culture"] = c.culture;
  j["language"] = c.language;
  j["companyName"] = c.company_name;
  j["defaultAddress"] = AddressJson(c.address);
  j["links"] = Json{{"self", LinkJson("/customers/" + c.id + "/profiles/billing")}};
  j["attributes"] = Json{{"etag", Base64("{\"billingProfile\":\"" + c.billing_profile_id + "\",\"version\":" +
                                         std::to_string(c.billing_profile_version) + "}")},
                         {"objectType", "CustomerBillingProfile"}};
  return j;
}

Json CustomerJson(const Sandbox& sandbox, const Customer& c) {
  (void)sandbox;
  Json j = ObjectWithCapacity(12);
  j["id"] = c.id;
  j["commerceId"] = c.commerce_id;
  j["companyProfile"] = CompanyProfileJson(c);
  j["billingProfile"] = BillingProfileJson(c);
  j["relationshipToPartner"] = "reseller";
  j["allowDelegatedAccess"] = true;
  if (!c.associated_reseller.empty()) j["associatedPartnerId"] = c.associated_reseller;
  j["customDomains"] = Json::array({c.domain});
  j["links"] = Json{{"self", LinkJson("/customers/" + c.id)}};
  j["attributes"] = Attributes("Customer");
  return j;
}

Json CustomerListItemJson(const Customer& c) {
  Json j = ObjectWithCapacity(8);
  j["id"] = c.id;
  Json profile;
  profile["tenantId"] = c.id;
  profile["domain"] = c.domain;
  profile["companyName"] = c.company_name;
  // As "Get customers of an indirect reseller" shows list items: the
  // profile's own link too.
  profile["links"] = Json{{"self", LinkJson("/customers/" + c.id + "/profiles/company")}};
  profile["attributes"] = Attributes("CustomerCompanyProfile");
  j["companyProfile"] = std::move(profile);
  j["relationshipToPartner"] = "reseller";
  if (!c.associated_reseller.empty()) j["associatedPartnerId"] = c.associated_reseller;
  j["links"] = Json{{"self", LinkJson("/customers/" + c.id)}};
  j["attributes"] = Attributes("Customer");
  return j;
}

Json AgreementJson(const AgreementRecord& a) {
  Json j = ObjectWithCapacity(8);
  Json contact;
  contact["firstName"] = a.first_name;
  contact["lastName"] = a.last_name;
  contact["email"] = a.email;
  if (!a.phone_number.empty()) contact["phoneNumber"] = a.phone_number;
  j["primaryContact"] = std::move(contact);
  j["templateId"] = a.template_id;
  j["dateAgreed"] = a.date_agreed.ToString();
  j["type"] = a.type;
  j["agreementLink"] = "https://aka.ms/customeragreement";
  if (!a.user_id.empty()) j["userId"] = a.user_id;
  j["attributes"] = Attributes("Agreement");
  return j;
}

std::string SubscriptionEtag(const Subscription& s) {
  return Base64("{\"id\":\"" + s.id + "\",\"version\":" + std::to_string(s.version) + "}");
}

// Long on purpose: a flat rendering of the documented Subscription resource, field by field in the documented order.
Json SubscriptionJson(const Sandbox& sandbox, const Subscription& s) {
  if (Sandbox::IsAzurePlan(s)) return AzurePlanJson(sandbox, s);
  const Customer& customer = sandbox.CustomerAt(s.customer);
  const Offer& offer = *s.offer;
  const Instant now = sandbox.Now();
  const Policy& policy = sandbox.policy();
  Json j = ObjectWithCapacity(48);
  j["id"] = s.id;
  j["offerId"] = offer.catalog_item_id;
  j["offerName"] = offer.sku->title;
  j["friendlyName"] = s.friendly_name;
  j["productType"] = Json{{"id", offer.product->product_type}, {"displayName", offer.product->product_type}};
  j["quantity"] = s.quantity;
  j["unitType"] = "Licenses";
  j["hasPurchasableAddons"] = false;
  j["creationDate"] = s.created.ToStringWith7Fraction();
  j["effectiveStartDate"] = DateTimeOf(s.term_start);
  j["commitmentEndDate"] = DateTimeOf(s.term_end);
  j["commitmentEndDateTime"] = EndOfDayOf(s.term_end);
  Instant window_end = s.window_start + Duration::Hours(policy.Int(PolicyKey::kCancellationWindowHours, now.date()));
  if (s.status == SubscriptionStatus::Active || s.status == SubscriptionStatus::Suspended) {
    if (now < window_end) j["cancellationAllowedUntilDate"] = window_end.ToString();
    j["billingCycleEndDate"] = DateTimeOf(s.cycle.end);
    j["billingCycleEndDateTime"] = EndOfDayOf(s.cycle.end);
  }
  j["status"] = ToString(s.status);
  j["autoRenewEnabled"] = s.auto_renew;
  j["isTrial"] = s.is_trial;
  j["billingType"] = "license";
  j["billingCycle"] = WireBillingCycle(s.billing);
  j["termDuration"] = ToString(s.term);
  j["renewalTermDuration"] = "";
  Json refund_options = Json::array();
  if (s.status == SubscriptionStatus::Active || s.status == SubscriptionStatus::Suspended) {
    Instant full_end = s.window_start + Duration::Hours(policy.Int(PolicyKey::kFullRefundHours, now.date()));
    if (now < full_end) refund_options.push_back(Json{{"type", "Full"}, {"expiresAt", full_end.ToString()}});
    else if (now < window_end) refund_options.push_back(Json{{"type", "Partial"}, {"expiresAt", window_end.ToString()}});
  }
  j["refundOptions"] = std::move(refund_options);
  j["isMicrosoftProduct"] = offer.product->publisher_name == "Microsoft Corporation";
  j["partnerId"] = s.reseller_id;
  j["attentionNeeded"] = false;
  j["actionTaken"] = false;
  j["contractType"] = "subscription";
  Json links = ProductLinks(offer, customer.country());
  links["self"] = LinkJson("/customers/" + customer.id + "/subscriptions/" + s.id);
  j["links"] = std::move(links);
  j["publisherName"] = offer.product->publisher_name;
  Json refundable;
  refundable["totalQuantity"] = s.RefundableQuantity(now);
  Json details = Json::array();
  for (const auto& b : s.refundable)
    if (now < b.refundable_until)
      details.push_back(Json{{"quantity", b.quantity}, {"allowedUntilDateTime", b.refundable_until.ToString()}});
  refundable["details"] = std::move(details);
  j["refundableQuantity"] = std::move(refundable);
  j["orderId"] = sandbox.OrderAt(s.order).id;
  if (!s.promotion_id.empty()) j["promotionId"] = s.promotion_id;
  if (s.next_term) j["scheduledNextTermInstructions"] = NextTermJson(*s.next_term);
  if (s.pending_billing) {
    Json product;
    product["productId"] = offer.product->id;
    product["skuId"] = offer.sku->id;
    product["availabilityId"] = offer.availability->id;
    product["billingCycle"] = WireBillingCycle(*s.pending_billing);
    product["termDuration"] = ToString(s.term);
    j["nextChargeInstructions"] = Json{{"product", std::move(product)}, {"quantity", s.quantity}};
  }
  if (s.custom_term_end) j["customTermEndDate"] = DateTimeOf(*s.custom_term_end);
  Json actions = Json::array();
  if (s.scheduled_action) {
    const ScheduledAction& a = *s.scheduled_action;
    Json action;
    action["scheduleType"] = ToString(a.schedule);
    action["actionType"] = ToString(a.action);
    if (a.effective_date) action["effectiveDate"] = DateTimeOf(*a.effective_date);
    if (a.instructions) action["instructions"] = NextTermJson(*a.instructions);
    actions.push_back(std::move(action));
  }
  j["scheduledActions"] = std::move(actions);
  // The simulator's EST marker (README: "The Extended Service Term").
  j["isInExtendedServiceTerm"] = s.in_est;
  if (s.in_est) j["extendedServiceTermStartDate"] = DateTimeOf(s.est_start);
  j["attributes"] = Json{{"etag", SubscriptionEtag(s)}, {"objectType", "Subscription"}};
  return j;
}

Json OrderJson(const Sandbox& sandbox, const Order& o) {
  const Customer& customer = sandbox.CustomerAt(o.customer);
  Json j = ObjectWithCapacity(16);
  j["id"] = o.id;
  j["alternateId"] = o.id;
  j["referenceCustomerId"] = customer.id;
  j["billingCycle"] = o.lines.empty() ? "monthly" : std::string(WireBillingCycle(o.lines.front().billing));
  j["currencyCode"] = o.currency;
  j["currencySymbol"] = o.currency == "USD" ? "US$" : o.currency == "EUR" ? "€" : o.currency == "GBP" ? "£" : o.currency;
  Json lines = Json::array();
  Decimal total;
  bool completed = o.status == OrderStatus::Completed;
  for (const OrderLine& l : o.lines) {
    const Offer& offer = *l.offer;
    Json line;
    line["lineItemNumber"] = l.line_number;
    line["offerId"] = offer.catalog_item_id;
    if (completed) line["subscriptionId"] = sandbox.SubscriptionAt(l.subscription).id;
    line["termDuration"] = ToString(l.term);
    line["transactionType"] = "New";
    line["friendlyName"] = l.friendly_name;
    line["quantity"] = l.quantity;
    if (!l.promotion_id.empty()) line["promotionId"] = l.promotion_id;
    if (!l.reseller_id.empty()) line["partnerIdOnRecord"] = l.reseller_id;
    if (l.custom_term_end) line["customTermEndDate"] = DateTimeOf(*l.custom_term_end);
    // As the cart shows it: the list price, the price after any promotion,
    // and the extended price of the whole term (price x quantity x cycles).
    Decimal list = sandbox.catalog().PriceAt(offer, l.term, l.billing, o.created.date()).value_or(l.unit_price);
    int64_t cycles = std::max(1, TermMonths(l.term) / BillingMonths(l.billing));
    Decimal extended = l.unit_price * (static_cast<int64_t>(l.quantity) * cycles);
    total += extended;
    line["pricing"] = Json{{"listPrice", Number(list)}, {"discountedPrice", Number(l.unit_price)},
                           {"proratedPrice", Number(l.unit_price)}, {"price", Number(l.unit_price)},
                           {"extendedPrice", Number(extended)}};
    Json links = ProductLinks(offer, customer.country());
    if (completed)
      links["subscription"] = LinkJson("/customers/" + customer.id + "/subscriptions/" + sandbox.SubscriptionAt(l.subscription).id);
    line["links"] = std::move(links);
    lines.push_back(std::move(line));
  }
  j["lineItems"] = std::move(lines);
  j["creationDate"] = o.created.ToStringWith7Fraction();
  j["status"] = ToString(o.status);
  j["transactionType"] = "UserPurchase";
  Json links;
  links["provisioningStatus"] = LinkJson("/customers/" + customer.id + "/orders/" + o.id + "/provisioningstatus");
  links["self"] = LinkJson("/customers/" + customer.id + "/orders/" + o.id);
  links["patchOperation"] = LinkJson("/customers/" + customer.id + "/orders/" + o.id, "PATCH");
  j["links"] = std::move(links);
  j["totalPrice"] = Number(total);
  j["client"] = Json::object();
  j["attributes"] = Attributes("Order");
  return j;
}

Json LineItemJson(const Sandbox& sandbox, const ChargeLine& line) {
  const Customer& customer = sandbox.CustomerAt(line.customer);
  const Subscription& sub = sandbox.SubscriptionAt(line.subscription);
  const Offer& offer = *sandbox.catalog().OfferAt(line.offer);
  const auto& invoices = sandbox.ledger().invoices();
  Json j = ObjectWithCapacity(56);
  j["partnerId"] = customer.partner_tenant_id;
  j["customerId"] = customer.id;
  j["customerName"] = customer.company_name;
  j["customerDomainName"] = customer.domain;
  j["customerCountry"] = customer.country();
  j["invoiceNumber"] = line.invoice == kNoIndex ? std::string() : invoices[line.invoice].id;
  j["mpnId"] = "";
  j["resellerMpnId"] = sub.reseller_id;
  j["orderId"] = sandbox.OrderAt(line.order).id;
  j["orderDate"] = line.order_date.ToString();
  j["productId"] = offer.product->id;
  j["skuId"] = offer.sku->id;
  j["availabilityId"] = offer.availability->id;
  j["productName"] = offer.product->title;
  j["skuName"] = offer.sku->title;
  Json qualifiers = Json::array();
  if (line.flags & kLineAddOn) qualifiers.push_back("AddOn");
  if (line.flags & kLineTrial) qualifiers.push_back("Trial");
  j["productQualifiers"] = std::move(qualifiers);
  j["chargeType"] = ToString(line.charge_type);
  j["unitPrice"] = Number(line.unit_price);
  j["effectiveUnitPrice"] = Number(line.effective_unit_price);
  j["unitType"] = "Licenses";
  j["quantity"] = line.quantity;
  j["subtotal"] = Number(line.total);
  j["taxTotal"] = Number(Decimal());
  j["totalForCustomer"] = Number(line.total);
  j["currency"] = offer.market->currency;
  j["publisherName"] = offer.product->publisher_name;
  j["publisherId"] = "";
  j["subscriptionDescription"] = offer.sku->title;
  j["subscriptionId"] = sub.id;
  j["subscriptionStartDate"] = DateTimeOf(line.subscription_start);
  j["subscriptionEndDate"] = DateTimeOf(line.subscription_end);
  j["chargeStartDate"] = DateTimeOf(line.charge_start);
  j["chargeEndDate"] = DateTimeOf(line.charge_end);
  j["termAndBillingCycle"] = sandbox.TermAndBillingCycleText(line);
  j["alternateId"] = sandbox.OrderAt(line.order).id;
  j["referenceId"] = GuidFromNumber(sandbox.seed(), line.reference);
  j["priceAdjustmentDescription"] = "[]";
  j["discountDetails"] = "";
  j["pricingCurrency"] = offer.market->currency;
  j["pcToBCExchangeRate"] = 1;
  j["pcToBCExchangeRateDate"] = line.order_date.date().FirstOfMonth().ToString() + "T00:00:00";
  j["billableQuantity"] = line.quantity;
  j["meterDescription"] = "";
  j["billingFrequency"] = line.invoice == kNoIndex ? std::string() : std::string(BillingFrequencyText(line.billing));
  j["reservationOrderId"] = "";
  j["creditReasonCode"] = "";
  j["promotionId"] = line.promotion == kNoIndex ? std::string() : sandbox.catalog().data().promotions[line.promotion].id;
  j["invoiceLineItemType"] = "billing_line_items";
  j["billingProvider"] = "one_time";
  j["attributes"] = Attributes("OneTimeInvoiceLineItem");
  return j;
}

Json InvoiceJson(const Sandbox& sandbox, const Invoice& inv, bool with_pdf_link) {
  Json j = ObjectWithCapacity(16);
  j["id"] = inv.id;
  j["invoiceDate"] = inv.invoice_date.ToString();
  j["billingPeriodStartDate"] = DateTimeOf(inv.period_start);
  j["billingPeriodEndDate"] = DateTimeOf(inv.period_end);
  j["totalCharges"] = Number(inv.total);
  j["paidAmount"] = Number(Decimal());
  j["currencyCode"] = inv.currency;
  j["currencySymbol"] = InvoiceCurrencySymbol(inv.currency);
  if (with_pdf_link) j["pdfDownloadLink"] = "/invoices/" + inv.id + "/documents/statement";
  j["taxReceipts"] = Json::array();
  Json detail;
  detail["invoiceLineItemType"] = "billing_line_items";
  detail["billingProvider"] = "one_time";
  detail["links"] = Json{{"self", LinkJson("/invoices/" + inv.id + "/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&size=2000")}};
  detail["attributes"] = Attributes("InvoiceDetail");
  Json details = Json::array({detail});
  // An invoice with Azure plan usage also lists its daily rated usage.
  for (const auto& [key, record] : sandbox.azure().usage)
    if (record.invoice == inv.index) {
      Json usage;
      usage["invoiceLineItemType"] = "usage_line_items";
      usage["billingProvider"] = "marketplace";
      usage["links"] = Json{{"self", LinkJson("/invoices/" + inv.id + "/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&size=2000")}};
      usage["attributes"] = Attributes("InvoiceDetail");
      details.push_back(std::move(usage));
      break;
    }
  j["invoiceDetails"] = std::move(details);
  j["documentType"] = "invoice";
  j["invoiceType"] = "OneTime";
  j["status"] = "active";  // "Invoice resources": "active", "void"; pcsim never voids an invoice
  j["links"] = Json{{"self", LinkJson("/invoices/" + inv.id)}};
  j["attributes"] = Attributes("Invoice");
  return j;
}

// --- the event journal -----------------------------------------------------------

Json JournalEntryJson(const Sandbox& sandbox, const JournalEntry& e) {
  Json j;
  j["at"] = e.at.ToString();
  j["kind"] = ToString(e.kind);
  switch (e.kind) {
    case JournalKind::CustomerCreated:
    case JournalKind::AgreementAttested:
    case JournalKind::QualificationAdded:
      j["customerId"] = sandbox.CustomerAt(e.subject).id;
      break;
    case JournalKind::UserCreated:
    case JournalKind::UserDeleted:
      j["customerId"] = sandbox.CustomerAt(e.subject).id;
      j["userId"] = sandbox.CustomerAt(e.subject).users[e.detail].id;
      break;
    case JournalKind::OrderCreated:
    case JournalKind::OrderCompleted: {
      const Order& o = sandbox.OrderAt(e.subject);
      j["orderId"] = o.id;
      j["customerId"] = sandbox.CustomerAt(o.customer).id;
      break;
    }
    case JournalKind::InvoiceClosed: {
      const Invoice& inv = sandbox.ledger().invoices()[e.subject];
      j["invoiceId"] = inv.id;
      j["currency"] = inv.currency;
      j["total"] = Number(inv.total);
      break;
    }
    default: {
      const Subscription& s = sandbox.SubscriptionAt(e.subject);
      j["subscriptionId"] = s.id;
      j["customerId"] = sandbox.CustomerAt(s.customer).id;
      if (e.kind == JournalKind::Charged) {
        const ChargeLine& line = sandbox.ledger().line(e.detail);
        j["chargeType"] = ToString(line.charge_type);
        j["quantity"] = line.quantity;
        j["total"] = Number(line.total);
        j["currency"] = sandbox.catalog().OfferAt(line.offer)->market->currency;
        j["chargeStartDate"] = line.charge_start.ToString();
        j["chargeEndDate"] = line.charge_end.ToString();
      } else if (e.kind == JournalKind::QuantityChanged || e.kind == JournalKind::Purchased ||
                 e.kind == JournalKind::Renewed) {
        j["quantity"] = e.detail;
      } else if (e.kind == JournalKind::AutoRenewChanged) {
        j["autoRenewEnabled"] = e.detail != 0;
      } else if (e.kind == JournalKind::Upgraded) {
        j["targetSubscriptionId"] = sandbox.SubscriptionAt(e.detail).id;
      } else if (e.kind == JournalKind::ScheduledActionSet) {
        // Which action (null: removed) and who set it.
        auto action = ScheduledActionOfDetail(e.detail);
        j["actionType"] = action ? Json(ToString(*action)) : Json(nullptr);
        j["setBy"] = ToString(ActionOriginOfDetail(e.detail));
      }
    }
  }
  if (std::string_view request = sandbox.RequestIdOf(e); !request.empty()) j["requestId"] = request;
  return j;
}

}  // namespace pcsim::api
