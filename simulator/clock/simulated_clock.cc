#include "simulator/clock/simulated_clock.h"

#include <utility>

namespace pcsim {

TimerId SimulatedClock::Schedule(Instant due, Callback callback) {
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
  buckets_[due].entries.push_back(Entry{sequence, slot});
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
  return true;
}

void SimulatedClock::DropCancelledTop() {
  while (!buckets_.empty()) {
    Bucket& bucket = buckets_.begin()->second;
    while (bucket.head < bucket.entries.size() &&
           slots_[bucket.entries[bucket.head].slot].sequence != bucket.entries[bucket.head].sequence)
      ++bucket.head;
    if (bucket.head < bucket.entries.size()) return;
    buckets_.erase(buckets_.begin());
  }
}

std::optional<Instant> SimulatedClock::NextDue() {
  DropCancelledTop();
  if (buckets_.empty()) return std::nullopt;
  return buckets_.begin()->first;
}

uint64_t SimulatedClock::AdvanceTo(Instant target) {
  uint64_t fired = 0;
  for (;;) {
    DropCancelledTop();
    if (buckets_.empty() || buckets_.begin()->first > target) break;
    Instant due = buckets_.begin()->first;
    Bucket& bucket = buckets_.begin()->second;
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
  return fired;
}

}  // namespace pcsim
