// Cells (tropgeom/cell.hpp) across the binding: Python holds each as a tuple
// (layer, neuron, pattern bytes, cuts list, point list of Fractions); tropgeom/cell.py encodes them.
#pragma once

#include <pybind11/pybind11.h>

#include <vector>

#include "tropgeom/cell.hpp"

namespace tropgeom::py_cells {

std::vector<Cell> from_py(pybind11::handle cells);
pybind11::list to_py(const std::vector<Cell>& cells);

}  // namespace tropgeom::py_cells
