"""Which labelings of a fixed data set can a one-hidden-layer net realise?  The activation polytope
(Brandenburg-Loho-Montufar 2024) answers exactly.  Usage: python examples/dichotomies.py"""
import numpy as np

import tropgeom as tg


def main() -> None:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(7, 2))
    linear = tg.ActivationPolytope(X, 1, 1)  # max of one term minus one term: a linear classifier
    # Cover's function counting theorem for 7 generic points in R^2 with a bias: 2 * (1 + 6 + 15) = 44
    assert linear.count_labelings() == 44
    two = tg.ActivationPolytope(X, 2, 1)     # one more term in the numerator: a ReLU-like unit
    print(f"7 points in the plane: a linear classifier realises {linear.count_labelings()} of the "
          f"{2 ** 7} labelings; with two terms, {two.count_labelings()}")


if __name__ == "__main__":
    main()
