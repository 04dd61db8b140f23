// Exact checks of tropgeom::Network (forward pass, pre-activation signs, validation) by hand.
#include <cstdio>
#include <vector>

#include "tropgeom/network.hpp"
#include "check.hpp"

using namespace tropgeom;

// Layer 1: W1 = [[1/3, -1], [2/7, 1/2]], b1 = [1/5, -1]; ReLU.
// Layer 2: W2 = [[3, -1/2]], b2 = [1/11]; no ReLU.
static Network two_layer() {
  Network net;
  net.layers.push_back(layer(2, 2, {q(1, 3), q(-1), q(2, 7), q(1, 2)}, {q(1, 5), q(-1)}, true));
  net.layers.push_back(layer(1, 2, {q(3), q(-1, 2)}, {q(1, 11)}, false));
  return net;
}

static void test_forward_by_hand() {
  Network net = two_layer();
  net.validate();
  CHECK(net.input_dim() == 2 && net.output_dim() == 1);
  CHECK(net.num_hidden_neurons() == 2);

  // x = (1/3, 1/4): z1 = 1/9 - 1/4 + 1/5 = 11/180 > 0; z2 = 2/21 + 1/8 - 1 = -131/168 < 0.
  // out = 3 * 11/180 + 1/11 = 11/60 + 1/11 = 181/660.
  Vec y = net.forward({q(1, 3), q(1, 4)});
  CHECK(y.size() == 1);
  CHECK(y[0] == q(181, 660));
  std::vector<int> s = net.pre_activation_signs({q(1, 3), q(1, 4)});
  CHECK((s == std::vector<int>{1, -1}));

  // x = (3, 4): z1 = 1 - 4 + 1/5 = -14/5 < 0; z2 = 6/7 + 2 - 1 = 13/7 > 0.
  // out = -1/2 * 13/7 + 1/11 = -13/14 + 1/11 = -129/154.
  Vec y2 = net.forward({q(3), q(4)});
  CHECK(y2[0] == q(-129, 154));
  CHECK((net.pre_activation_signs({q(3), q(4)}) == std::vector<int>{-1, 1}));

  // On neuron 1's hyperplane: x = (0, 1/5) gives z1 = 0 exactly; z2 = 1/10 - 1 < 0.
  CHECK((net.pre_activation_signs({q(0), q(1, 5)}) == std::vector<int>{0, -1}));
  CHECK(net.forward({q(0), q(1, 5)})[0] == q(1, 11));
}

static void test_deep_signs() {
  // Three ReLU layers of width 1 on R^1: h1 = relu(x - 1/3), h2 = relu(h1 - 1/6), out = 2 h2.
  Network net;
  net.layers.push_back(layer(1, 1, {q(1)}, {q(-1, 3)}, true));
  net.layers.push_back(layer(1, 1, {q(1)}, {q(-1, 6)}, true));
  net.layers.push_back(layer(1, 1, {q(2)}, {q(0)}, false));
  CHECK(net.num_hidden_neurons() == 2);
  CHECK((net.pre_activation_signs({q(1, 2)}) == std::vector<int>{1, 0}));  // 1/2 - 1/3 = 1/6
  CHECK(net.forward({q(1, 2)})[0] == 0);
  CHECK(net.forward({q(1)})[0] == q(2) * (q(2, 3) - q(1, 6)));
  // Layer 1 inactive: layer 2 sees 0 and is negative.
  CHECK((net.pre_activation_signs({q(0)}) == std::vector<int>{-1, -1}));
}

static void test_validation() {
  auto throws = [](const Network& net) {
    try {
      net.validate();
    } catch (const InputError&) {
      return true;
    }
    return false;
  };
  CHECK(throws(Network{}));
  Network bad = two_layer();
  bad.layers[1] = layer(1, 3, {q(1), q(1), q(1)}, {q(0)}, false);  // takes 3 inputs, layer 1 gives 2
  CHECK(throws(bad));
  Network badb = two_layer();
  badb.layers[0].b.pop_back();
  CHECK(throws(badb));
  Network badw = two_layer();
  badw.layers[0].W.pop_back();
  CHECK(throws(badw));
  Network ok = two_layer();
  CHECK(!throws(ok));
  bool threw = false;
  try {
    ok.forward({q(1)});
  } catch (const InputError&) {
    threw = true;
  }
  CHECK(threw);
}

int main() {
  test_forward_by_hand();
  test_deep_signs();
  test_validation();
  if (failures) std::fprintf(stderr, "%d check(s) failed\n", failures);
  else std::printf("test_network: all checks passed\n");
  return failures ? 1 : 0;
}
