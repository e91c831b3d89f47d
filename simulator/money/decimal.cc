#include "simulator/money/decimal.h"

#include <cassert>
#include <cstdlib>
#include <stdexcept>

namespace pcsim {
namespace {

constexpr __int128 Pow10Loop(int n) {
  __int128 v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

// 10^0 .. 10^38 (the largest power of ten an __int128 holds).
constexpr int kPow10Count = 39;
constexpr auto kPow10 = [] {
  struct Table {
    __int128 v[kPow10Count];
  } t{};
  for (int i = 0; i < kPow10Count; ++i) t.v[i] = Pow10Loop(i);
  return t;
}();

constexpr __int128 Pow10(int n) { return n >= 0 && n < kPow10Count ? kPow10.v[n] : Pow10Loop(n); }

__int128 Abs(__int128 v) { return v < 0 ? -v : v; }

bool FitsInt64(__int128 v) { return v >= INT64_MIN && v <= INT64_MAX; }

__int128 Gcd(__int128 a, __int128 b) {
  a = Abs(a);
  b = Abs(b);
  // Amounts, shares and quantities nearly always fit in 64 bits, where the
  // remainder is one instruction instead of a call.
  while (b != 0 && (a > UINT64_MAX || b > UINT64_MAX)) {
    __int128 t = a % b;
    a = b;
    b = t;
  }
  if (b == 0) return a;
  uint64_t x = static_cast<uint64_t>(a), y = static_cast<uint64_t>(b);
  while (y != 0) {
    uint64_t t = x % y;
    x = y;
    y = t;
  }
  return x;
}

// Stores a scaled value, dropping trailing zeros while the units do not fit.
Decimal FromWide(__int128 units, int scale) {
  while (scale > Decimal::kMaxScale || units > INT64_MAX || units < INT64_MIN) {
    if (scale == 0 || units % 10 != 0) throw std::overflow_error("decimal out of range");
    units /= 10;
    --scale;
  }
  return Decimal::FromUnits(static_cast<int64_t>(units), scale);
}

// Divides num by den (den > 0) rounding toward zero or half away from zero.
__int128 Divide(__int128 num, __int128 den, bool half_up) {
  if (FitsInt64(num) && FitsInt64(den) && num != INT64_MIN) {
    // The same truncating division and remainder, in 64 bits.
    int64_t n = static_cast<int64_t>(num), d = static_cast<int64_t>(den);
    int64_t q = n / d;
    if (half_up) {
      int64_t r = n % d;
      if (r < 0) r = -r;
      if (2 * static_cast<__int128>(r) >= den) q += n < 0 ? -1 : 1;
    }
    return q;
  }
  __int128 q = num / den;
  if (half_up) {
    __int128 r = Abs(num % den);
    if (2 * r >= den) q += num < 0 ? -1 : 1;
  }
  return q;
}

}  // namespace

Decimal Decimal::FromUnits(int64_t units, int scale) {
  assert(scale >= 0 && scale <= kMaxScale);
  Decimal d;
  d.units_ = units;
  d.scale_ = static_cast<int8_t>(scale);
  return d;
}

std::optional<Decimal> Decimal::Parse(std::string_view text) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    negative = text[i] == '-';
    ++i;
  }
  __int128 units = 0;
  int digits = 0, scale = 0;
  bool seen_point = false, int_any = false, frac_any = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.') {
      if (seen_point) return std::nullopt;
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    (seen_point ? frac_any : int_any) = true;
    units = units * 10 + (c - '0');
    if (units != 0) ++digits;
    if (seen_point) ++scale;
    if (digits > 18 || scale > kMaxScale) return std::nullopt;
  }
  if (!int_any || (seen_point && !frac_any)) return std::nullopt;
  return FromUnits(static_cast<int64_t>(negative ? -units : units), scale);
}

Decimal Decimal::RoundDown(int places) const {
  if (places >= scale_) return *this;
  return FromUnits(static_cast<int64_t>(Divide(units_, Pow10(scale_ - places), false)), places);
}

Decimal Decimal::RoundHalfUp(int places) const {
  if (places >= scale_) return *this;
  return FromUnits(static_cast<int64_t>(Divide(units_, Pow10(scale_ - places), true)), places);
}

Decimal Decimal::WithScale(int places) const {
  if (places <= scale_) return *this;
  if (places > kMaxScale) throw std::overflow_error("decimal scale out of range");
  __int128 units = static_cast<__int128>(units_) * Pow10(places - scale_);
  if (units > INT64_MAX || units < INT64_MIN) throw std::overflow_error("decimal out of range");
  return FromUnits(static_cast<int64_t>(units), places);
}

Decimal Decimal::Normalized() const {
  int64_t u = units_;
  int s = scale_;
  while (s > 0 && u % 10 == 0) {
    u /= 10;
    --s;
  }
  return FromUnits(u, s);
}

std::string Decimal::ToString() const {
  __int128 u = units_;
  bool negative = u < 0;
  if (negative) u = -u;
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  } while (u != 0);
  if (scale_ > 0) {
    while (static_cast<int>(digits.size()) <= scale_) digits.insert(digits.begin(), '0');
    digits.insert(digits.end() - scale_, '.');
  }
  if (negative) digits.insert(digits.begin(), '-');
  return digits;
}

std::string Decimal::ToFixed(int places) const { return RoundHalfUp(places).WithScale(places).ToString(); }

Decimal Decimal::WideSum(Decimal a, Decimal b) {
  int scale = std::max(a.scale_, b.scale_);
  __int128 ua = static_cast<__int128>(a.units_) * Pow10(scale - a.scale_);
  __int128 ub = static_cast<__int128>(b.units_) * Pow10(scale - b.scale_);
  return FromWide(ua + ub, scale);
}

Decimal Decimal::WideProduct(Decimal a, int64_t n) { return FromWide(static_cast<__int128>(a.units_) * n, a.scale_); }

Decimal operator*(Decimal a, Decimal b) {
  return FromWide(static_cast<__int128>(a.units_) * b.units_, a.scale_ + b.scale_);
}

std::strong_ordering Decimal::WideCompare(Decimal a, Decimal b) {
  int scale = std::max(a.scale_, b.scale_);
  __int128 ua = static_cast<__int128>(a.units_) * Pow10(scale - a.scale_);
  __int128 ub = static_cast<__int128>(b.units_) * Pow10(scale - b.scale_);
  return ua <=> ub;
}

ExactAmount::ExactAmount(Decimal d) : num_(d.units()), den_(Pow10(d.scale())) {}

void ExactAmount::Reduce() {
  __int128 g = Gcd(num_, den_);
  if (g > 1) {
    num_ /= g;
    den_ /= g;
  }
}

ExactAmount ExactAmount::Times(Fraction f) const {
  assert(f.den > 0);
  ExactAmount r(num_ * f.num, den_ * f.den);
  r.Reduce();
  return r;
}

ExactAmount ExactAmount::Times(int64_t n) const {
  ExactAmount r(num_ * n, den_);
  r.Reduce();
  return r;
}

ExactAmount ExactAmount::Times(Decimal d) const {
  ExactAmount r(num_ * d.units(), den_ * Pow10(d.scale()));
  r.Reduce();
  return r;
}

Decimal ExactAmount::RoundDown(int places) const {
  return FromWide(Divide(num_ * Pow10(places), den_, false), places);
}

Decimal ExactAmount::RoundHalfUp(int places) const {
  return FromWide(Divide(num_ * Pow10(places), den_, true), places);
}

std::optional<Decimal> ExactAmount::Exactly(int max_places) const {
  for (int p = 0; p <= max_places; ++p) {
    __int128 scaled = num_ * Pow10(p);
    if (scaled % den_ == 0) return FromWide(scaled / den_, p);
  }
  return std::nullopt;
}

}  // namespace pcsim
