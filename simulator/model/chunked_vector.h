// An append-only sequence stored in fixed-size chunks: growing it never moves
// or copies the elements already stored (charge lines and journal entries of
// a large book run to millions), and references to them stay valid.
#pragma once

#include <cstddef>
#include <iterator>
#include <memory>
#include <utility>
#include <vector>

namespace pcsim {

template <typename T, size_t kChunk = 16384>
class ChunkedVector {
 public:
  class const_iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = const T&;
    const_iterator() = default;
    const_iterator(const ChunkedVector* v, size_t i) : v_(v), i_(i) {}
    reference operator*() const { return (*v_)[i_]; }
    pointer operator->() const { return &(*v_)[i_]; }
    reference operator[](difference_type n) const { return (*v_)[i_ + n]; }
    const_iterator& operator++() { ++i_; return *this; }
    const_iterator operator++(int) { auto t = *this; ++i_; return t; }
    const_iterator& operator--() { --i_; return *this; }
    const_iterator& operator+=(difference_type n) { i_ += n; return *this; }
    const_iterator& operator-=(difference_type n) { i_ -= n; return *this; }
    friend const_iterator operator+(const_iterator a, difference_type n) { return a += n; }
    friend const_iterator operator-(const_iterator a, difference_type n) { return a -= n; }
    friend difference_type operator-(const_iterator a, const_iterator b) {
      return static_cast<difference_type>(a.i_) - static_cast<difference_type>(b.i_);
    }
    friend bool operator==(const_iterator a, const_iterator b) { return a.i_ == b.i_; }
    friend bool operator!=(const_iterator a, const_iterator b) { return a.i_ != b.i_; }
    friend bool operator<(const_iterator a, const_iterator b) { return a.i_ < b.i_; }

   private:
    const ChunkedVector* v_ = nullptr;
    size_t i_ = 0;
  };

  ChunkedVector() = default;
  ChunkedVector(const ChunkedVector&) = default;
  ChunkedVector& operator=(const ChunkedVector&) = default;
  // A moved-from store is empty (its size goes with its chunks).
  ChunkedVector(ChunkedVector&& other) noexcept
      : chunks_(std::exchange(other.chunks_, {})), size_(std::exchange(other.size_, 0)) {}
  ChunkedVector& operator=(ChunkedVector&& other) noexcept {
    chunks_ = std::exchange(other.chunks_, {});
    size_ = std::exchange(other.size_, 0);
    return *this;
  }

  void push_back(const T& value) {
    // A chunk's capacity is reserved, never default-constructed: a new
    // sandbox pays for the elements it stores, not for a whole chunk, and
    // elements never move.
    if (size_ % kChunk == 0) chunks_.emplace_back().reserve(kChunk);
    chunks_.back().push_back(value);
    ++size_;
  }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](size_t i) { return chunks_[i / kChunk][i % kChunk]; }
  const T& operator[](size_t i) const { return chunks_[i / kChunk][i % kChunk]; }
  const T& front() const { return (*this)[0]; }
  const T& back() const { return (*this)[size_ - 1]; }
  // Frees the chunks that hold only elements before `n`. The size and the
  // indexes of later elements stay; reading a released element is undefined.
  void ReleaseBefore(size_t n) {
    for (size_t k = 0; k < chunks_.size() && (k + 1) * kChunk <= n; ++k) std::vector<T>().swap(chunks_[k]);
  }
  const_iterator begin() const { return const_iterator(this, 0); }
  const_iterator end() const { return const_iterator(this, size_); }

 private:
  std::vector<std::vector<T>> chunks_;
  size_t size_ = 0;
};

}  // namespace pcsim
