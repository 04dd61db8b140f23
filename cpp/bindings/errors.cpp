// Every C++ -> Python exception translation, in one place.
#include <pybind11/pybind11.h>

#include "tropgeom/types.hpp"

namespace py = pybind11;

namespace {
void raise(const char* cls, const char* what) {
  py::object type = py::module_::import("tropgeom.errors").attr(cls);
  PyErr_SetString(type.ptr(), what);
}
}  // namespace

void register_errors(py::module_& /*m*/) {
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const tropgeom::InputError& e) {
      raise("InputError", e.what());
    } catch (const tropgeom::Stopped& e) {
      // A stop with nothing to return from the core: the Python layer attaches its partial result.
      py::object type = py::module_::import("tropgeom.errors").attr("BudgetExceeded");
      PyErr_SetObject(type.ptr(), type(e.what(), py::none(), tropgeom::stop_reason_name(e.reason)).ptr());
    } catch (const tropgeom::InternalError& e) {
      raise("InternalError", e.what());
    } catch (const py::error_already_set&) {
      throw;
    } catch (const py::builtin_exception&) {
      throw;
    } catch (const std::bad_alloc&) {
      PyErr_SetString(PyExc_MemoryError, "out of memory in the tropgeom core");
    } catch (const std::exception& e) {
      // CGAL precondition failures and anything unforeseen: never a bare RuntimeError.
      raise("InternalError", e.what());
    }
  });
}
