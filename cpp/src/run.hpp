// Internal: the run contract's machinery, in one place.  The calling thread of every long call polls
// a Budget (time, Ctrl-C, progress); workers come from start_workers; flat loops over independent
// items use parallel_for, tree searches ParallelSearch (search.hpp).  An exception in a worker or in
// a callback stops the run and is rethrown on the calling thread after every worker has joined.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "tropgeom/types.hpp"

namespace tropgeom {

// How often the calling thread polls: well inside the contract's 10% / 0.2 s.
constexpr std::chrono::milliseconds kPollInterval{20};

class Budget {
 public:
  explicit Budget(const RunLimits& lim) : lim_(lim), start_(std::chrono::steady_clock::now()) {}

  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  bool out_of_time() const { return lim_.max_seconds > 0 && elapsed() > lim_.max_seconds; }

  // Reports progress, then says whether to stop.  Calling thread only (the hooks take the GIL).
  StopReason poll(std::size_t found) const {
    if (lim_.progress) lim_.progress(found);
    if (out_of_time()) return StopReason::max_seconds;
    if (lim_.cancel && lim_.cancel()) return StopReason::interrupted;
    return StopReason::none;
  }

  // For single-threaded loops: throws Stopped when the budget says stop (call every few ms of work).
  void check(std::size_t found = 0) const {
    const StopReason r = poll(found);
    if (r != StopReason::none) throw Stopped(r);
  }

  // check(), at most every kPollInterval / 4: for hot loops whose steps take microseconds (a poll
  // takes the GIL).
  void tick(std::size_t found = 0) const {
    const auto now = std::chrono::steady_clock::now();
    if (now < next_) return;
    next_ = now + kPollInterval / 4;
    check(found);
  }

 private:
  const RunLimits& lim_;
  std::chrono::steady_clock::time_point start_;
  mutable std::chrono::steady_clock::time_point next_{};
};

// Starts up to n workers running body(t).  Thread creation can fail (limits, memory): the run goes on
// with the workers that did start, and fails cleanly only if none did.
template <class Body>
std::vector<std::thread> start_workers(int n, Body body) {
  std::vector<std::thread> pool;
  for (int t = 0; t < std::max(1, n); ++t) {
    try {
      pool.emplace_back(body, t);
    } catch (const std::system_error&) {
      if (pool.empty()) throw InternalError("could not start a worker thread");
      break;
    }
  }
  return pool;
}

struct ForResult {
  RunStatus status;
  std::size_t done = 0;  // items [0, done) were processed
};

// fn(i, worker) for every i in [0, n), on lim.threads workers (worker < lim.threads indexes per-thread
// output).  A stop lets each worker finish the item it holds, so the finished items are a prefix.
template <class Fn>
ForResult parallel_for(std::size_t n, const RunLimits& lim, Fn fn) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::exception_ptr error;
  std::mutex mu;
  std::condition_variable cv;
  int running = 0;
  auto body = [&](int t) {
    try {
      for (std::size_t i; !stop.load() && (i = next++) < n;) fn(i, t);
    } catch (...) {
      std::lock_guard<std::mutex> g(mu);
      if (!error) error = std::current_exception();
      stop = true;
    }
    std::lock_guard<std::mutex> g(mu);
    --running;
    cv.notify_all();
  };
  std::vector<std::thread> pool;
  {
    std::lock_guard<std::mutex> g(mu);  // workers cannot count themselves out before `running` is set
    pool = start_workers(lim.threads, body);
    running = static_cast<int>(pool.size());
  }
  ForResult out;
  const Budget budget(lim);
  try {
    std::unique_lock<std::mutex> lk(mu);
    while (running > 0) {
      cv.wait_for(lk, kPollInterval);
      if (running == 0) break;
      lk.unlock();
      const StopReason r = budget.poll(std::min(next.load(), n));
      if (r != StopReason::none && !stop.exchange(true)) out.status = {false, r};
      lk.lock();
    }
  } catch (...) {  // a callback raised: stop, join, rethrow
    stop = true;
    for (auto& th : pool) th.join();
    throw;
  }
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
  out.done = std::min(next.load(), n);
  // A time stop after the last item lost nothing; a Ctrl-C the poll consumed must still stop the caller.
  if (out.done == n && out.status.reason != StopReason::interrupted) out.status = RunStatus{};
  if (lim.progress) lim.progress(out.done);
  return out;
}

}  // namespace tropgeom
