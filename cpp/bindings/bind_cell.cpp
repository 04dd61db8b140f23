// Cells across the binding (bind_cell.hpp).  Only the shape is converted here; the engine checks a
// cell against the network (regions.cpp, resume) before it trusts it.
#include "bind_cell.hpp"

#include <pybind11/stl.h>

#include "convert.hpp"

namespace py = pybind11;

namespace tropgeom::py_cells {

std::vector<Cell> from_py(py::handle cells) {
  std::vector<Cell> out;
  std::size_t i = 0;
  for (py::handle item : cells) {
    const std::string at = "cells[" + std::to_string(i++) + "]";
    py::tuple t = py::reinterpret_borrow<py::object>(item).cast<py::tuple>();
    if (t.size() != 5) throw InputError(at + ": expected (layer, neuron, pattern, cuts, point)");
    Cell c;
    c.layer = t[0].cast<std::size_t>();
    c.neuron = t[1].cast<std::size_t>();
    const std::string bits = t[2].cast<std::string>();  // bytes, one per decided neuron
    c.pattern.assign(bits.begin(), bits.end());
    c.cuts = t[3].cast<std::vector<int>>();
    c.point = py_convert::to_rationals(t[4]);
    out.push_back(std::move(c));
  }
  return out;
}

py::list to_py(const std::vector<Cell>& cells) {
  py::list out;
  for (const Cell& c : cells) {
    py::list point;
    for (const Rational& v : c.point) point.append(py_convert::to_fraction(v));
    out.append(py::make_tuple(c.layer, c.neuron,
                              py::bytes(reinterpret_cast<const char*>(c.pattern.data()), c.pattern.size()),
                              py::cast(c.cuts), point));
  }
  return out;
}

}  // namespace tropgeom::py_cells
