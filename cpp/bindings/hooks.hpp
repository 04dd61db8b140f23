// Long runs in the core call back into Python from the calling thread only: Ctrl-C polling and the
// progress callback.  Both take the GIL for the call; the KeyboardInterrupt becomes a stop reason.
#pragma once

#include <pybind11/functional.h>
#include <pybind11/pybind11.h>

#include <functional>
#include <optional>

#include "tropgeom/types.hpp"

namespace tropgeom::py_hooks {
namespace py = pybind11;

using Progress = std::optional<std::function<void(std::size_t)>>;

inline CancelHook ctrl_c() {
  return [] {
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() == 0) return false;
    PyErr_Clear();
    return true;
  };
}

inline std::function<void(std::size_t)> progress(const Progress& cb) {
  if (!cb) return {};
  return [f = *cb](std::size_t n) {
    py::gil_scoped_acquire gil;
    try {
      f(n);
    } catch (py::error_already_set& e) {
      // Ctrl-C landing inside the callback: re-arm it, so the cancel hook stops the run cleanly
      if (!e.matches(PyExc_KeyboardInterrupt)) throw;
      PyErr_SetInterrupt();
    }
  };
}

// A stopped run's status as Python sees it: (complete, reason), reason "" when complete.
template <class Class, class Result>
void def_status(Class& cls, RunStatus Result::*status) {
  cls.def_property_readonly("complete", [status](const Result& r) { return (r.*status).complete; })
      .def_property_readonly("stop_reason", [status](const Result& r) { return stop_reason_name((r.*status).reason); });
}

// A run's limits as the bindings set them: Ctrl-C always, progress if given.
inline void set_limits(RunLimits& lim, double max_seconds, int threads, const Progress& cb) {
  lim.max_seconds = max_seconds;
  lim.threads = threads;
  lim.cancel = ctrl_c();
  lim.progress = progress(cb);
}

}  // namespace tropgeom::py_hooks
