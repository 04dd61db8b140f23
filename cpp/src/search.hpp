// Internal: a depth-first search over a tree whose subtrees are independent, on several threads.
// A worker runs a subtree on its own stack and, while the shared stack is short, hands it its oldest
// pending node (the biggest subtree, so an idle worker stays busy); the calling thread polls the
// Budget (run.hpp).  Shared by the region
// engine and the activation-pattern search.  A stop keeps the nodes not yet done (open(), with the ones
// a step handed back): they are a cut of the tree, so a later run from them finishes the search.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "run.hpp"
#include "tropgeom/types.hpp"

namespace tropgeom {

template <class Node>
class ParallelSearch {
 public:
  using Push = std::function<void(Node&&)>;

  explicit ParallelSearch(const RunLimits& lim) : lim_(lim), threads_(std::max(1, lim.threads)) {}

  // step(node, push) handles one node and pushes its children; after_subtree() runs on the worker
  // after each subtree it took from the shared stack (to merge per-thread tallies).
  template <class Step, class After>
  void run(Node root, Step step, After after_subtree) {
    std::vector<Node> roots;
    roots.push_back(std::move(root));
    run(std::move(roots), step, after_subtree);
  }

  // The same from several roots (disjoint subtrees, e.g. cells handed back by an earlier run).
  template <class Step, class After>
  void run(std::vector<Node> roots, Step step, After after_subtree) {
    stack_ = std::move(roots);
    shared_ = static_cast<int>(stack_.size());
    std::vector<std::thread> workers = start_workers(threads_, [&](int) { work(step, after_subtree); });
    try {
      supervise();
    } catch (...) {  // a callback raised: stop the workers, then let it through
      stop(StopReason::interrupted);
      for (auto& w : workers) w.join();
      throw;
    }
    for (auto& w : workers) w.join();
    if (error_) std::rethrow_exception(error_);
  }

  // Stops the run; `lost` says work was dropped (a budget hit before the end).
  void stop(StopReason why, bool lost = false) {
    if (lost) dropped_ = true;
    std::lock_guard<std::mutex> g(mu_);
    if (!stop_.exchange(true)) stop_reason_ = why;
    cv_work_.notify_all();
    cv_done_.notify_all();
  }

  // A step leaves `n` undone: it goes to open(); `lost` marks the run incomplete (a stop, not a
  // frontier the caller asked for).
  void hand_back(Node&& n, bool lost = true) {
    if (lost) dropped_ = true;
    std::lock_guard<std::mutex> g(open_mu_);
    open_.push_back(std::move(n));
  }
  // The nodes left undone, after run().
  std::vector<Node> take_open() { return std::move(open_); }

  bool stopped() const { return stop_.load(); }
  // For long steps to poll (an LP's inner loop): set once the run stops.
  const std::atomic<bool>& stop_flag() const { return stop_; }
  // Nothing was lost: a time stop that came after the last node was done does not count; a Ctrl-C
  // the poll consumed still stops the caller (else it is lost between two core calls).
  RunStatus status() const {
    if (!dropped_.load() && stop_reason_ != StopReason::interrupted) return {};
    return {false, stop_reason_};
  }

  std::atomic<std::size_t> found{0};  // what the progress callback reports

 private:
  void supervise() {
    const Budget budget(lim_);
    std::unique_lock<std::mutex> lk(mu_);
    while (!(finished_ || stop_.load())) {
      cv_done_.wait_for(lk, kPollInterval);
      lk.unlock();
      const StopReason r = budget.poll(found.load());
      if (r != StopReason::none) stop(r);
      lk.lock();
    }
    lk.unlock();
    if (lim_.progress) lim_.progress(found.load());
  }

  template <class Step, class After>
  void work(Step& step, After& after_subtree) {
    try {
      for (;;) {
        Node n;
        {
          std::unique_lock<std::mutex> lk(mu_);
          cv_work_.wait(lk, [this] { return stop_.load() || !stack_.empty() || busy_ == 0; });
          if (stop_.load() || stack_.empty()) {
            for (Node& rest : stack_) hand_back(std::move(rest));
            stack_.clear();
            finished_ = true;
            cv_work_.notify_all();
            cv_done_.notify_all();
            return;
          }
          n = std::move(stack_.back());
          stack_.pop_back();
          shared_ = static_cast<int>(stack_.size());
          ++busy_;
        }
        subtree(std::move(n), step);
        after_subtree();
        {
          std::lock_guard<std::mutex> g(mu_);
          --busy_;
        }
        cv_work_.notify_all();
      }
    } catch (...) {
      std::lock_guard<std::mutex> g(mu_);
      if (!error_) error_ = std::current_exception();
      stop_ = true;
      finished_ = true;
      cv_work_.notify_all();
      cv_done_.notify_all();
    }
  }

  template <class Step>
  void subtree(Node first, Step& step) {
    std::deque<Node> local;
    local.push_back(std::move(first));
    const Push push = [&](Node&& child) {
      if (shared_.load(std::memory_order_relaxed) < threads_) {  // lock only when it may be short
        std::lock_guard<std::mutex> g(mu_);
        if (stack_.size() < static_cast<std::size_t>(threads_)) {
          // Give away the oldest node held (the biggest subtree), not the child (a small one): an idle
          // worker then stays busy for long.  One thread keeps the order it always had.
          if (threads_ > 1 && !local.empty()) {
            stack_.push_back(std::move(local.front()));
            local.pop_front();
            local.push_back(std::move(child));
          } else {
            stack_.push_back(std::move(child));
          }
          shared_ = static_cast<int>(stack_.size());
          cv_work_.notify_one();
          return;
        }
      }
      local.push_back(std::move(child));
    };
    while (!local.empty() && !stop_.load()) {
      Node cur = std::move(local.back());
      local.pop_back();
      step(std::move(cur), push);
    }
    for (Node& rest : local) hand_back(std::move(rest));
  }

  const RunLimits& lim_;
  const int threads_;
  std::mutex mu_;
  std::condition_variable cv_work_, cv_done_;
  std::vector<Node> stack_;
  std::mutex open_mu_;  // (not mu_: hand_back is also called with mu_ held)
  std::vector<Node> open_;
  std::atomic<int> shared_{0};  // stack_.size(), readable without the lock
  int busy_ = 0;
  bool finished_ = false;
  std::atomic<bool> stop_{false}, dropped_{false};
  StopReason stop_reason_ = StopReason::none;
  std::exception_ptr error_;
};

}  // namespace tropgeom
