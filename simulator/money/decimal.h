// Exact decimal amounts. Money in pcsim never passes through binary floating
// point: prices come from text, arithmetic is on scaled integers, and every
// rounding is explicit (docs/decisions.md, section 3).
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pcsim {

// value = units / 10^scale, with 0 <= scale <= 18.
class Decimal {
 public:
  static constexpr int kMaxScale = 18;

  constexpr Decimal() = default;
  static Decimal FromUnits(int64_t units, int scale);
  static Decimal FromInt(int64_t value) { return FromUnits(value, 0); }
  // Accepts an optional sign, digits, and an optional fraction ("-12.345",
  // "7", "0.5"). No exponent, no spaces, at most 18 fraction digits and 18
  // significant digits. Returns nullopt otherwise.
  static std::optional<Decimal> Parse(std::string_view text);

  int64_t units() const { return units_; }
  int scale() const { return scale_; }
  bool IsZero() const { return units_ == 0; }
  bool IsNegative() const { return units_ < 0; }

  // Truncation toward zero to `places` decimals (Excel's ROUNDDOWN).
  Decimal RoundDown(int places) const;
  // Half away from zero to `places` decimals (Excel's ROUND).
  Decimal RoundHalfUp(int places) const;
  // The same value written with at least `places` decimals (exact; never
  // rounds; throws std::overflow_error when it does not fit).
  Decimal WithScale(int places) const;
  // The same value without trailing fraction zeros.
  Decimal Normalized() const;

  // Text with the stored scale ("10.080"), or minimal ("10.08") after Normalized().
  std::string ToString() const;
  // Rounded half up to exactly `places` decimals ("9.4080").
  std::string ToFixed(int places) const;

  Decimal operator-() const { return FromUnits(-units_, scale_); }
  // Amounts of one scale that fit in 64 bits (nearly all) take the inline
  // path; the others are computed in 128 bits with the same result.
  friend Decimal operator+(Decimal a, Decimal b) {
    int64_t sum;
    if (a.scale_ == b.scale_ && !__builtin_add_overflow(a.units_, b.units_, &sum)) return Same(sum, a.scale_);
    return WideSum(a, b);
  }
  friend Decimal operator-(Decimal a, Decimal b) { return a + (-b); }
  friend Decimal operator*(Decimal a, Decimal b);
  friend Decimal operator*(Decimal a, int64_t n) {
    int64_t product;
    if (!__builtin_mul_overflow(a.units_, n, &product)) return Same(product, a.scale_);
    return WideProduct(a, n);
  }
  Decimal& operator+=(Decimal other) { return *this = *this + other; }

  friend std::strong_ordering operator<=>(Decimal a, Decimal b) {
    if (a.scale_ == b.scale_) return a.units_ <=> b.units_;
    return WideCompare(a, b);
  }
  friend bool operator==(Decimal a, Decimal b) { return (a <=> b) == 0; }

 private:
  static Decimal Same(int64_t units, int8_t scale) {
    Decimal d;
    d.units_ = units;
    d.scale_ = scale;
    return d;
  }
  static Decimal WideSum(Decimal a, Decimal b);
  static Decimal WideProduct(Decimal a, int64_t n);
  static std::strong_ordering WideCompare(Decimal a, Decimal b);

  int64_t units_ = 0;
  int8_t scale_ = 0;

  friend struct PackedDecimal;
};

// A Decimal stored in 9 bytes instead of 16 (Decimal's padding), for tables
// of millions of amounts: the charge lines of a large book. Reads and writes
// as a Decimal.
struct [[gnu::packed]] PackedDecimal {
  int64_t units = 0;
  int8_t scale = 0;

  PackedDecimal() = default;
  PackedDecimal(Decimal d) : units(d.units_), scale(d.scale_) {}  // NOLINT(google-explicit-constructor)
  operator Decimal() const { return Decimal::Same(units, scale); }  // NOLINT(google-explicit-constructor)
  Decimal value() const { return *this; }

  bool IsZero() const { return units == 0; }
  bool IsNegative() const { return units < 0; }
  std::string ToString() const { return value().ToString(); }
  std::string ToFixed(int places) const { return value().ToFixed(places); }
  Decimal Normalized() const { return value().Normalized(); }
  Decimal operator-() const { return -value(); }
};
static_assert(sizeof(PackedDecimal) == 9 && alignof(PackedDecimal) == 1);

// A non-negative fraction num/den with den > 0: the share of a charge cycle.
struct Fraction {
  int64_t num = 1;
  int64_t den = 1;
  static Fraction Whole() { return {1, 1}; }
  bool IsWhole() const { return num == den; }
  friend bool operator==(const Fraction&, const Fraction&) = default;
};

// An exact rational amount: a Decimal times a product of Fractions and
// quantities, kept unrounded until the caller picks a rounding.
class ExactAmount {
 public:
  explicit ExactAmount(Decimal d);
  ExactAmount Times(Fraction f) const;
  ExactAmount Times(int64_t n) const;
  ExactAmount Times(Decimal d) const;
  Decimal RoundDown(int places) const;
  Decimal RoundHalfUp(int places) const;
  // The exact value as a Decimal when it has at most `max_places` decimals.
  std::optional<Decimal> Exactly(int max_places = Decimal::kMaxScale) const;

 private:
  ExactAmount(__int128 num, __int128 den) : num_(num), den_(den) {}
  void Reduce();
  __int128 num_;
  __int128 den_;
};

}  // namespace pcsim
