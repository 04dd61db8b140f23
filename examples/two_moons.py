"""Train a small MLP on two moons (torch), then look at it exactly: its regions, its decision
boundary and its picture.  Usage: python examples/two_moons.py [OUT_DIR]"""
import sys
from pathlib import Path

import numpy as np
import torch

import tropgeom as tg


def two_moons(n, noise, rng):
    t = rng.uniform(0, np.pi, n)
    upper = np.stack([np.cos(t), np.sin(t)], 1)
    lower = np.stack([1 - np.cos(t), 0.5 - np.sin(t)], 1)
    X = np.concatenate([upper, lower]) + rng.normal(0, noise, (2 * n, 2))
    return (X - X.mean(0)) / X.std(0), np.r_[np.zeros(n), np.ones(n)]


def train_two_moons():
    """The [2,16,16,1] MLP trained here (300 Adam steps on 400 noisy points, seeded), and its data."""
    rng = np.random.default_rng(0)
    X, y = two_moons(200, 0.1, rng)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16), torch.nn.ReLU(),
                                torch.nn.Linear(16, 1))
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    Xt, yt = torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)
    for _ in range(300):
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(Xt)[:, 0], yt)
        loss.backward()
        opt.step()
    return model, X, y


def main(out: Path) -> None:
    model, X, y = train_two_moons()
    net = tg.Network.from_torch(model)  # the float32 weights, exactly
    accuracy = float(((net.forward(X)[:, 0] > 0) == (y > 0)).mean())

    box = tg.Box(-2.5, 2.5)
    rs = tg.regions(net, box)
    lin = tg.regions(net, box, kind="linear")
    s = tg.slice2d(net, domain=tg.Box2D([-2.5, -2.5], [2.5, 2.5]))
    boundary = s.decision_boundary(exact=True)
    # every point of the drawn boundary is exactly on f = 0
    assert all(v == 0 for line in boundary["polylines"] for v in net.forward(np.array(line, dtype=object), exact=True)[:, 0])
    assert s.num_faces == len(rs)
    out.mkdir(parents=True, exist_ok=True)
    s.plot(path=out / "two_moons.png", points=X, labels=y)
    print(f"accuracy {accuracy:.3f}; {len(rs)} activation regions, {len(lin)} linear regions on [-2.5, 2.5]^2; "
          f"boundary: {len(boundary['polylines'])} exact polylines; picture: {out / 'two_moons.png'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("."))
