// The exact network: built once from Python's (W, b) pairs, then exact forward passes and signs.
#include <pybind11/stl.h>

#include "convert.hpp"
#include "tropgeom/network.hpp"

namespace py = pybind11;
using namespace tropgeom;
using namespace tropgeom::py_convert;

namespace {

Network make_network(const py::list& layers, const std::vector<bool>& relu, const py::object& slopes) {
  if (relu.size() != layers.size()) throw InputError("one relu flag per layer is needed");
  const Vec s = slopes.is_none() ? Vec(layers.size()) : to_rationals(slopes);
  if (s.size() != layers.size()) throw InputError("one negative slope per layer is needed");
  Network net;
  for (std::size_t l = 0; l < layers.size(); ++l) {
    auto pair = layers[l].cast<py::tuple>();
    py::array W = py::module_::import("numpy").attr("asarray")(pair[0]);
    if (W.ndim() != 2) throw InputError("layer " + std::to_string(l + 1) + " weight is not a matrix");
    Layer L;
    L.out = W.shape(0);
    L.in = W.shape(1);
    L.W = to_rationals(pair[0]);
    L.b = to_rationals(pair[1]);
    L.relu = relu[l];
    L.slope = s[l];
    net.layers.push_back(std::move(L));
  }
  net.validate();
  return net;
}

std::vector<Vec> rows_of(const Network& net, py::handle X) {
  Matrix M = to_matrix(X, net.input_dim());
  std::vector<Vec> rows(M.rows);
  for (std::size_t i = 0; i < M.rows; ++i) rows[i].assign(M.row(i), M.row(i) + M.cols);
  return rows;
}

}  // namespace

void bind_network(py::module_& m) {
  py::class_<Network>(m, "Network", "Exact rational network (use tropgeom.Network).")
      .def(py::init(&make_network), py::arg("layers"), py::arg("relu"), py::arg("slopes") = py::none(),
           "slopes: one negative slope per layer (Fractions; 0 is ReLU), None: all 0.")
      .def_property_readonly("input_dim", &Network::input_dim)
      .def_property_readonly("output_dim", &Network::output_dim)
      .def_property_readonly("num_hidden_neurons", &Network::num_hidden_neurons)
      .def("forward", [](const Network& net, py::handle X) {
            std::vector<Vec> rows = rows_of(net, X);
            Vec out;
            {
              py::gil_scoped_release nogil;
              for (const auto& x : rows) {
                Vec y = net.forward(x);
                out.insert(out.end(), y.begin(), y.end());
              }
            }
            return to_fraction_array(out, {static_cast<py::ssize_t>(rows.size()), static_cast<py::ssize_t>(net.output_dim())});
          }, py::arg("X"), "Exact outputs (object array of Fraction) of the rows of X.")
      .def("pre_activation_signs", [](const Network& net, py::handle X) {
            std::vector<Vec> rows = rows_of(net, X);
            const std::size_t h = net.num_hidden_neurons();
            py::array_t<int8_t> out({static_cast<py::ssize_t>(rows.size()), static_cast<py::ssize_t>(h)});
            int8_t* p = out.mutable_data();
            {
              py::gil_scoped_release nogil;
              for (std::size_t i = 0; i < rows.size(); ++i) {
                std::vector<int> s = net.pre_activation_signs(rows[i]);
                for (std::size_t j = 0; j < h; ++j) p[i * h + j] = static_cast<int8_t>(s[j]);
              }
            }
            return out;
          }, py::arg("X"), "Exact signs (-1, 0, +1) of every hidden pre-activation, (N, hidden) int8.");
}
