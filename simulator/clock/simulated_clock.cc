#include "simulator/clock/simulated_clock.h"

#include <utility>

namespace pcsim {

uint64_t clock_internal::ScheduleTouching(SimulatedClock& clock, Instant due, std::function<void()> callback,
                                          const void* touches, uint32_t touched_bytes) {
  return clock.Enqueue(due, std::move(callback), touches, touched_bytes);
}

TimerId SimulatedClock::Enqueue(Instant due, Callback callback, const void* touches, uint32_t touched_bytes) {
  uint64_t sequence = next_sequence_++;
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  slots_[slot].callback = std::move(callback);
  slots_[slot].sequence = sequence;
  if (last_bucket_ == nullptr || last_due_ != due) {
    last_bucket_ = &buckets_[due];
    last_due_ = due;
  }
  last_bucket_->entries.push_back(Entry{sequence, slot, touches == nullptr ? 0 : touched_bytes, touches});
  ++pending_;
  return MakeId(slot, sequence);
}

bool SimulatedClock::Cancel(TimerId id) {
  uint64_t slot = id >> kSlotShift;
  uint64_t sequence = id & ((uint64_t{1} << kSlotShift) - 1);
  if (sequence == 0 || slot >= slots_.size() || slots_[slot].sequence != sequence) return false;
  slots_[slot].callback = nullptr;
  slots_[slot].sequence = 0;
  free_slots_.push_back(static_cast<uint32_t>(slot));
  --pending_;
  // The entry stays in its bucket until the clock reaches it; when the queue
  // holds more cancelled entries than live ones, sweep them all, so it stays
  // proportional to the pending timers however often timers are replaced.
  if (++cancelled_ > pending_ + kSweepSlack) Sweep();
  return true;
}

void SimulatedClock::Sweep() {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    Bucket& bucket = it->second;
    size_t kept = 0;
    for (size_t i = bucket.head; i < bucket.entries.size(); ++i) {
      const Entry& e = bucket.entries[i];
      if (slots_[e.slot].sequence == e.sequence) bucket.entries[kept++] = e;
    }
    bucket.entries.resize(kept);
    bucket.head = 0;
    if (kept == 0) {
      if (&bucket == last_bucket_) last_bucket_ = nullptr;
      it = buckets_.erase(it);
    } else {
      bucket.entries.shrink_to_fit();
      ++it;
    }
  }
  cancelled_ = 0;
}

void SimulatedClock::DropCancelledTop() {
  while (!buckets_.empty()) {
    Bucket& bucket = buckets_.begin()->second;
    while (bucket.head < bucket.entries.size() &&
           slots_[bucket.entries[bucket.head].slot].sequence != bucket.entries[bucket.head].sequence) {
      ++bucket.head;
      if (cancelled_ > 0) --cancelled_;
    }
    if (bucket.head < bucket.entries.size()) return;
    if (&bucket == last_bucket_) last_bucket_ = nullptr;
    buckets_.erase(buckets_.begin());
  }
}

size_t SimulatedClock::QueuedEntries() const {
  size_t n = 0;
  for (const auto& [due, bucket] : buckets_) n += bucket.entries.size() - bucket.head;
  return n;
}

void SimulatedClock::ForEachPending(const std::function<void(Instant, uint64_t)>& visit) const {
  for (const auto& [due, bucket] : buckets_)
    for (size_t i = bucket.head; i < bucket.entries.size(); ++i) {
      const Entry& e = bucket.entries[i];
      if (slots_[e.slot].sequence == e.sequence) visit(due, e.sequence);
    }
}

std::optional<Instant> SimulatedClock::NextDue() {
  DropCancelledTop();
  if (buckets_.empty()) return std::nullopt;
  return buckets_.begin()->first;
}

inline void SimulatedClock::Prefetch(const Bucket& bucket, size_t ahead) const {
  size_t i = bucket.head + ahead;
  if (i >= bucket.entries.size()) return;
  const Entry& e = bucket.entries[i];
  // The timers of a large book fire in an order unrelated to where their
  // slots and subjects live: without this, each one waits for memory.
  __builtin_prefetch(&slots_[e.slot]);
  const char* p = static_cast<const char*>(e.touches);
  for (uint32_t off = 0; off < e.touched_bytes; off += 64) __builtin_prefetch(p + off);
}

SimulatedClock::Advance SimulatedClock::AdvanceWithin(Instant target, uint64_t max_fired) {
  uint64_t fired = 0;
  for (;;) {
    DropCancelledTop();
    if (buckets_.empty() || buckets_.begin()->first > target) break;
    if (max_fired != 0 && fired == max_fired) return {fired, false};  // more are due: stop short of target
    Instant due = buckets_.begin()->first;
    Bucket& bucket = buckets_.begin()->second;
    Prefetch(bucket, kPrefetchAhead);
    Entry entry = bucket.entries[bucket.head++];
    Callback callback = std::move(slots_[entry.slot].callback);
    slots_[entry.slot].callback = nullptr;
    slots_[entry.slot].sequence = 0;
    free_slots_.push_back(entry.slot);
    --pending_;
    if (due > now_) now_ = due;
    ++fired;
    ++fired_;
    callback();  // may schedule more timers, in this bucket or an earlier one
  }
  if (target > now_) now_ = target;
  return {fired, true};
}

}  // namespace pcsim
