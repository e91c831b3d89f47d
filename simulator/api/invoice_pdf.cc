// The invoice statement through libharu: Helvetica (one of the fonts every
// PDF reader has, so nothing is embedded), text in WinAnsi encoding, content
// streams left uncompressed (a statement is a few kilobytes, and its text
// stays searchable by any tool).
#include "simulator/api/invoice_pdf.h"

#include <hpdf.h>

#include <algorithm>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "simulator/api/json_support.h"

namespace pcsim::api {
namespace {

// UTF-8 as WinAnsi (Windows-1252), the encoding of the standard fonts:
// ASCII and Latin-1 as they are, the euro sign at 0x80, any other character
// (or a malformed sequence) as '?'.
std::string WinAnsi(std::string_view utf8) {
  std::string out;
  for (size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    uint32_t code = 0;
    size_t length = 1;
    if (c < 0x80) {
      code = c;
    } else if ((c & 0xE0) == 0xC0 && i + 1 < utf8.size()) {
      code = (c & 0x1Fu) << 6 | (static_cast<unsigned char>(utf8[i + 1]) & 0x3Fu);
      length = 2;
    } else if ((c & 0xF0) == 0xE0 && i + 2 < utf8.size()) {
      code = (c & 0x0Fu) << 12 | (static_cast<unsigned char>(utf8[i + 1]) & 0x3Fu) << 6 |
             (static_cast<unsigned char>(utf8[i + 2]) & 0x3Fu);
      length = 3;
    } else {
      length = (c & 0xF8) == 0xF0 ? 4 : 1;
    }
    i += length;
    if (code >= 0x20 && code < 0x7F) {
      out.push_back(static_cast<char>(code));
    } else if (code >= 0xA0 && code <= 0xFF) {
      out.push_back(static_cast<char>(code));
    } else if (code == 0x20AC) {
      out.push_back('\x80');
    } else {
      out.push_back('?');
    }
  }
  return out;
}

struct DocDeleter {
  void operator()(HPDF_Doc doc) const { HPDF_Free(doc); }
};

// libharu reports errors through a handler; the first one is kept, and the
// statement throws once the document is done (the router answers a 500 and
// changes nothing). Only memory can fail here.
void OnError(HPDF_STATUS error, HPDF_STATUS detail, void* data) {
  auto* first = static_cast<HPDF_STATUS*>(data);
  if (*first == 0) *first = error != 0 ? error : detail;
}

// One row of the statement: the charges of one SKU and charge type.
struct Row {
  int64_t quantity = 0;
  Decimal amount;
};

class Writer {
 public:
  Writer(HPDF_Doc doc, int pages) : doc_(doc), pages_(pages) {
    regular_ = HPDF_GetFont(doc, "Helvetica", "WinAnsiEncoding");
    bold_ = HPDF_GetFont(doc, "Helvetica-Bold", "WinAnsiEncoding");
  }

  void NewPage() {
    page_ = HPDF_AddPage(doc_);
    HPDF_Page_SetSize(page_, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    ++page_number_;
    y_ = kTop;
  }
  // Text at x, on the current line; cut with "..." to `width` points.
  void Text(float x, std::string_view utf8, float size = 9, bool bold = false, float width = 0) {
    HPDF_Font font = bold ? bold_ : regular_;
    std::string text = WinAnsi(utf8);
    if (width > 0)
      while (text.size() > 3 && Width(font, size, text) > width) text = text.substr(0, text.size() - 4) + "...";
    HPDF_Page_BeginText(page_);
    HPDF_Page_SetFontAndSize(page_, font, size);
    HPDF_Page_TextOut(page_, x, y_, text.c_str());
    HPDF_Page_EndText(page_);
  }
  // Text ending at x.
  void Right(float x, std::string_view utf8, bool bold = false) {
    const std::string text = WinAnsi(utf8);
    Text(x - Width(bold ? bold_ : regular_, 9, text), utf8, 9, bold);
  }
  void Down(float points) { y_ -= points; }
  void Rule() {
    HPDF_Page_SetLineWidth(page_, 0.5);
    HPDF_Page_MoveTo(page_, kLeft, y_ + 4);
    HPDF_Page_LineTo(page_, kRight, y_ + 4);
    HPDF_Page_Stroke(page_);
  }
  void Footer(std::string_view note) {
    y_ = kBottom;
    Text(kLeft, note, 7);
    Right(kRight, "Page " + std::to_string(page_number_) + " of " + std::to_string(pages_));
  }

  static constexpr float kLeft = 50, kRight = 545, kTop = 790, kBottom = 40;

 private:
  float Width(HPDF_Font font, float size, const std::string& text) {
    HPDF_Page_SetFontAndSize(page_, font, size);
    return HPDF_Page_TextWidth(page_, text.c_str());
  }

  HPDF_Doc doc_;
  HPDF_Font regular_ = nullptr, bold_ = nullptr;
  HPDF_Page page_ = nullptr;
  int pages_ = 1, page_number_ = 0;
  float y_ = kTop;
};

std::string Money(Decimal d) { return d.WithScale(2).ToString(); }

}  // namespace

std::string InvoiceStatementPdf(const Sandbox& sandbox, const Invoice& inv, int rows_per_page) {
  rows_per_page = std::max(1, rows_per_page);
  // The charges by SKU title and charge type, in that order.
  // (Views of the catalog's titles and the charge types' names, which
  // outlive the statement.)
  std::map<std::pair<std::string_view, std::string_view>, Row> rows;
  for (uint32_t i : inv.lines) {
    const ChargeLine& line = sandbox.ledger().line(i);
    Row& row = rows[{sandbox.catalog().OfferAt(line.offer)->sku->title, ToString(line.charge_type)}];
    row.quantity += line.quantity;
    row.amount += line.total;
  }
  const size_t per_page = static_cast<size_t>(rows_per_page);
  const int pages = std::max(1, static_cast<int>((rows.size() + per_page - 1) / per_page));

  HPDF_STATUS error = 0;
  std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, DocDeleter> doc(HPDF_New(OnError, &error));
  if (!doc) throw std::bad_alloc();
  HPDF_SetCompressionMode(doc.get(), HPDF_COMP_NONE);
  HPDF_SetInfoAttr(doc.get(), HPDF_INFO_TITLE, ("Invoice " + inv.id).c_str());
  HPDF_SetInfoAttr(doc.get(), HPDF_INFO_CREATOR, "pcsim");
  Writer w(doc.get(), pages);
  const std::string note = "Charge lines: " + std::to_string(inv.lines.size()) + ". Each line: GET /v1/invoices/" +
                           inv.id + "/lineitems, or Microsoft Graph's billed reconciliation export.";
  auto header = [&] {
    w.Text(Writer::kLeft, "Invoice " + inv.id, 16, true);
    w.Down(22);
    w.Text(Writer::kLeft, "Invoice date: " + inv.invoice_date.date().ToString());
    w.Down(12);
    w.Text(Writer::kLeft, "Billing period: " + inv.period_start.ToString() + " to " + inv.period_end.ToString());
    w.Down(12);
    w.Text(Writer::kLeft, "Partner: " + inv.partner_tenant_id);
    w.Down(12);
    w.Text(Writer::kLeft, "Currency: " + inv.currency);
    w.Down(24);
    w.Text(Writer::kLeft, "Description", 9, true);
    w.Text(300, "Charge type", 9, true);
    w.Right(455, "Quantity", true);
    w.Right(Writer::kRight, "Amount", true);
    w.Down(6);
    w.Rule();
    w.Down(12);
  };
  size_t on_page = 0;
  bool started = false;
  for (const auto& [key, row] : rows) {
    if (!started || on_page == per_page) {
      if (started) w.Footer(note);
      w.NewPage();
      header();
      started = true;
      on_page = 0;
    }
    w.Text(Writer::kLeft, key.first, 9, false, 240);
    w.Text(300, key.second, 9, false, 90);
    w.Right(455, std::to_string(row.quantity));
    w.Right(Writer::kRight, Money(row.amount));
    w.Down(13);
    ++on_page;
  }
  if (!started) {
    w.NewPage();
    header();
  }
  w.Down(4);
  w.Rule();
  w.Down(12);
  const Decimal paid;
  for (const auto& [label, amount] : {std::pair{"Total", inv.total}, {"Paid", paid}, {"Balance due", inv.total - paid}}) {
    w.Text(300, label, 9, true);
    w.Right(Writer::kRight, Money(amount) + " " + inv.currency, true);
    w.Down(13);
  }
  w.Footer(note);

  if (HPDF_SaveToStream(doc.get()) != HPDF_OK || error != 0)
    throw std::runtime_error("the invoice statement could not be written (libharu error " + std::to_string(error) + ")");
  std::string pdf(HPDF_GetStreamSize(doc.get()), '\0');
  HPDF_UINT32 size = static_cast<HPDF_UINT32>(pdf.size());
  if (HPDF_ReadFromStream(doc.get(), reinterpret_cast<HPDF_BYTE*>(pdf.data()), &size) != HPDF_STREAM_EOF &&
      size != pdf.size())
    throw std::runtime_error("the invoice statement could not be read back from libharu");
  pdf.resize(size);
  return pdf;
}

}  // namespace pcsim::api
