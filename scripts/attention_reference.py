"""An independent numpy evaluation of Leroux et al.'s gain-cell attention (arXiv 2409.19315), for the
check "the compact kernel matches the paper's Eq. 4 and HardSigmoid" (issue 19; docs/attention.md).

It follows the structure of the paper's public PyTorch code (the non-flash path `SlidingWindowAttention.
attention_forward` with `DRAMAttention` / `LinearDRAMAttention`; docs/physics-sources.md#gain-cell-attention),
not cimkit's C++:
    window mask W (query m sees keys m-window+1..m), decay mask D = exp(-decay)^(cumsum(W, queries) - 1)
    quantise q, k, v:  step = span / (levels - 1), step * round(x / step), half to even
    first stage        S = sum_i (q @ ((k - 0.45)^T)^i) * D^i * sum_j c_ij 0.9^j   (linear: 19.3 (q @ (k - 0.45)^T) * D)
    masked to 0 outside W, scaled by 1/S_sat (80), clamped to [0, 1]: the pulses A
    keys padded to whole tiles; per tile t: O_t = sum_i (A_t * D_t^i) @ (v_t - 0.45)^i * sum_j c_ij 0.9^j
    scaled by 1/S_sat (40), clamped to [-1, 1], quantised, summed over tiles
It reads the inputs and settings from a `cimkit attention` file and compares with what cimkit wrote.

    python3 scripts/attention_reference.py FILE.h5 [--check]
--check exits 1 when any output differs by more than TOLERANCE relative to its largest magnitude.
"""
import sys

import h5py
import numpy as np

TOLERANCE = 1e-9
COEFFICIENTS = [0.17393044, 0.15653739, 0.14088365, 0.12679529, 5.51975209,
                4.96777688, 4.4709992, -1.44776001, -1.30298401, 46.05483778]
X_MAX = 0.9
OFFSET = 0.45


def quantise(x, levels, span):
    if levels == 0:
        return x
    step = span / (levels - 1)
    return step * np.round(x / step)  # numpy rounds half to even, as torch.round


def window_mask(tokens, window):
    mask = np.zeros((tokens, tokens))
    for i in range(tokens):
        mask[i, max(0, i - window + 1):i + 1] = 1
    return mask


def multiply(a, w, decay_power, linear, first_stage):
    """sum over the law's terms of a @ w^i with the decay of a weight of age (m - n) to the power i."""
    if linear:
        return 19.3 * (a @ w * decay_power(1) if first_stage else (a * decay_power(1)) @ w)
    total, index = 0.0, 0
    for i in range(4):
        product = (a @ w ** i) * decay_power(i) if first_stage else (a * decay_power(i)) @ w ** i
        for j in range(4 - i):
            total = total + product * COEFFICIENTS[index] * X_MAX ** j
            index += 1
    return total


def block(q, k, v, s, linear):
    tokens = q.shape[0]
    tile = s["tile_tokens"]
    q = quantise(q, s["query_levels"], 1.0)
    k = quantise(k, s["stored_levels"], 0.9) - OFFSET
    v = quantise(v, s["stored_levels"], 0.9) - OFFSET
    mask = window_mask(tokens, s["window_tokens"])
    decay = np.exp(-s["decay_per_token"]) ** (np.cumsum(mask, axis=0) - 1)
    scores = multiply(q, k.T, lambda i: decay ** i, linear, True)
    scores = np.where(mask == 0, 0.0, scores) / s["score_saturation"]
    pulses = np.clip(scores, 0.0, 1.0)
    tiles = (tokens + tile - 1) // tile
    pad = tiles * tile - tokens
    pulses_padded = np.pad(pulses, ((0, 0), (0, pad)))
    decay_padded = np.pad(decay, ((0, 0), (0, pad)))
    v_padded = np.pad(v, ((0, pad), (0, 0)))
    out = np.zeros_like(q)
    for t in range(tiles):
        cols = slice(t * tile, (t + 1) * tile)
        partial = multiply(pulses_padded[:, cols], v_padded[cols], lambda i: decay_padded[:, cols] ** i, linear, False)
        out += quantise(np.clip(partial / s["output_saturation"], -1.0, 1.0), s["output_levels"], 2.0)
    return scores, pulses, out


def softmax_attention(q, k, v, window):
    mask = window_mask(q.shape[0], window)
    logits = q @ (k - OFFSET).T / np.sqrt(q.shape[1])
    logits = np.where(mask == 0, -np.inf, logits)
    weights = np.exp(logits - logits.max(axis=1, keepdims=True))
    return weights / weights.sum(axis=1, keepdims=True) @ (v - OFFSET)


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    with h5py.File(argv[1], "r") as f:
        g = f["attention"]
        s = {name: g.attrs[name] for name in ("decay_per_token", "score_saturation", "output_saturation")}
        s.update({name: int(g.attrs[name]) for name in ("tile_tokens", "window_tokens", "query_levels", "stored_levels", "output_levels")})
        q, k, v = (g[name][()] for name in ("query", "key_V", "value_V"))
        written = {name: g[name][()] for name in ("compact_scores", "compact_pulses", "compact_output", "linear_output", "softmax_output")}
    scores, pulses, out = block(q, k, v, s, linear=False)
    expected = {"compact_scores": scores, "compact_pulses": pulses, "compact_output": out,
                "linear_output": block(q, k, v, s, linear=True)[2],
                "softmax_output": softmax_attention(q, k, v, s["window_tokens"])}
    worst = 0.0
    for name, reference in expected.items():
        difference = np.max(np.abs(written[name] - reference)) / max(np.max(np.abs(reference)), 1e-300)
        worst = max(worst, difference)
        print(f"{name}: largest difference {difference:.3g} of the largest magnitude")
    if "--check" in argv and not worst <= TOLERANCE:
        print(f"FAIL: {worst:.3g} > {TOLERANCE}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
