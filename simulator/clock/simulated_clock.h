// The simulated clock: the only source of "now" in pcsim. Time moves only when
// a caller advances it; due timers fire in order of (due time, scheduling
// sequence), so ties are deterministic, and a callback may schedule more
// timers, which fire in the same advance when they are due.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "simulator/clock/time.h"

namespace pcsim {

using TimerId = uint64_t;

class SimulatedClock;

namespace clock_internal {
// SimulatedClock::Schedule, naming also the memory the callback reads first
// (`touches`, `touched_bytes`): the clock asks the processor to load it while
// earlier timers of the same instant run. A speed-up for the timers of a
// large book only; it changes nothing else, so it stays out of the clock's
// own interface.
uint64_t ScheduleTouching(SimulatedClock& clock, Instant due, std::function<void()> callback, const void* touches,
                          uint32_t touched_bytes);
}  // namespace clock_internal

class SimulatedClock {
 public:
  using Callback = std::function<void()>;

  explicit SimulatedClock(Instant start) : now_(start) {}
  SimulatedClock(const SimulatedClock&) = delete;
  SimulatedClock& operator=(const SimulatedClock&) = delete;

  Instant Now() const { return now_; }

  // Schedules `callback` at `due` (a due time in the past fires at the next
  // advance, with the clock still at its current instant). Returns its id.
  TimerId Schedule(Instant due, Callback callback) { return Enqueue(due, std::move(callback), nullptr, 0); }
  // Cancels a pending timer; returns false when it already fired or is unknown.
  bool Cancel(TimerId id);

  // Runs every timer due at or before `target` in order, setting Now() to
  // each timer's due time while it runs, then sets Now() to `target`.
  // A target before Now() is ignored (the clock never moves backwards).
  // Returns the number of timers fired.
  uint64_t AdvanceTo(Instant target) { return AdvanceWithin(target, 0).fired; }
  uint64_t AdvanceBy(Duration d) { return AdvanceTo(now_ + d); }
  // The same, firing at most `max_fired` timers (0: no limit). When more are
  // due, it stops after the last one it may fire, with Now() at that timer's
  // due time, and says it is not complete.
  struct Advance {
    uint64_t fired = 0;
    bool complete = true;
  };
  Advance AdvanceWithin(Instant target, uint64_t max_fired);

  size_t PendingTimers() const { return pending_; }
  // Entries held in the queue, cancelled ones included (at most about twice
  // the pending timers).
  size_t QueuedEntries() const;
  uint64_t FiredTimers() const { return fired_; }
  // The due time of the earliest pending timer, if any.
  std::optional<Instant> NextDue();
  // Calls `visit(due, sequence)` for every pending timer, in firing order;
  // with the next sequence number, this is the queue's whole state but for
  // the callbacks (what a state digest needs).
  void ForEachPending(const std::function<void(Instant due, uint64_t sequence)>& visit) const;
  uint64_t next_sequence() const { return next_sequence_; }

 private:
  friend uint64_t clock_internal::ScheduleTouching(SimulatedClock&, Instant, std::function<void()>, const void*,
                                                   uint32_t);
  TimerId Enqueue(Instant due, Callback callback, const void* touches, uint32_t touched_bytes);

  // Timers are kept in buckets by due time (most timers of a book fall on
  // the same midnights), each bucket in scheduling order, so the pair
  // (due time, sequence) orders them and a pop is O(1). Callbacks live in
  // `slots_`, reused through a free list.
  struct Entry {
    uint64_t sequence;
    uint32_t slot;
    uint32_t touched_bytes;
    const void* touches;
  };
  struct Bucket {
    std::vector<Entry> entries;
    size_t head = 0;
  };
  struct Slot {
    Callback callback;
    uint64_t sequence = 0;  // 0: free
  };
  static constexpr int kSlotShift = 40;
  // Asks for the slot and the touched memory of the entry `ahead` places
  // after the bucket's head, so that they are in cache when it fires.
  // Always inlined: out of line, a function whose only effect is a prefetch
  // is judged free of side effects by GCC, and every call to it is dropped.
  [[gnu::always_inline]] inline void Prefetch(const Bucket& bucket, size_t ahead) const;
  static TimerId MakeId(uint32_t slot, uint64_t sequence) { return (uint64_t{slot} << kSlotShift) | sequence; }
  void DropCancelledTop();
  // Removes the entries of cancelled timers from every bucket.
  void Sweep();
  static constexpr size_t kSweepSlack = 1024;
  static constexpr size_t kPrefetchAhead = 8;

  Instant now_;
  uint64_t next_sequence_ = 1;
  uint64_t fired_ = 0;
  size_t pending_ = 0;
  size_t cancelled_ = 0;  // entries of cancelled timers still in buckets (an upper bound)
  std::map<Instant, Bucket> buckets_;
  // The bucket the last timer went to: timers scheduled one after another
  // mostly share their due time (the same day of next month). Reset
  // whenever a bucket is erased.
  Instant last_due_;
  Bucket* last_bucket_ = nullptr;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
};

}  // namespace pcsim
