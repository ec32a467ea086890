"""The torch modules on their own: IndRNN against a naive reference, padding never reaching the state."""

import numpy as np
import pytest
import torch
from torch import nn

from sk_rnn.modules import CELLS, IndRNN, IndRNNLayer, RecurrentNetwork, recurrent_weight_bound


def naive_indrnn(x, weight, bias, u):
    """h_t = relu(W x_t + u * h_{t-1} + b), one step and one sample at a time."""
    n_samples, n_steps, _ = x.shape
    out = torch.zeros(n_samples, n_steps, len(u))
    for i in range(n_samples):
        h = torch.zeros(len(u))
        for t in range(n_steps):
            h = torch.relu(weight @ x[i, t] + bias + u * h)
            out[i, t] = h
    return out


def test_indrnn_layer_matches_step_by_step_reference():
    torch.manual_seed(0)
    layer = IndRNNLayer(3, 5, recurrent_max=1.2)
    x = torch.randn(4, 9, 3)
    expected = naive_indrnn(x, layer.input_weight.weight, layer.input_weight.bias, layer.recurrent_weight)
    torch.testing.assert_close(layer(x), expected)


def test_bidirectional_indrnn_matches_reference_in_both_directions():
    torch.manual_seed(1)
    rnn = IndRNN(2, 4, bidirectional=True)
    x = torch.randn(3, 6, 2)
    output, h_n = rnn(x)
    forward, backward = rnn.layers[0]
    ref_forward = naive_indrnn(
        x, forward.input_weight.weight, forward.input_weight.bias, forward.recurrent_weight
    )
    ref_backward = naive_indrnn(
        x.flip(1), backward.input_weight.weight, backward.input_weight.bias, backward.recurrent_weight
    ).flip(1)
    torch.testing.assert_close(output, torch.cat([ref_forward, ref_backward], dim=2))
    torch.testing.assert_close(h_n[0], ref_forward[:, -1])
    torch.testing.assert_close(h_n[1], ref_backward[:, 0])


def test_indrnn_recurrent_weights_stay_within_their_bound():
    bound = recurrent_weight_bound(50)
    assert bound == pytest.approx(2 ** (1 / 50))
    rnn = IndRNN(1, 8, num_layers=2, recurrent_max=bound)
    for directions in rnn.layers:
        assert 0 <= directions[0].recurrent_weight.min() <= directions[0].recurrent_weight.max() <= bound
        with torch.no_grad():
            directions[0].recurrent_weight.fill_(5.0)
    x = torch.ones(1, 30, 1)
    output_beyond_bound, _ = rnn(x)
    rnn.clamp_recurrent_weights()
    assert all(d[0].recurrent_weight.max().item() == pytest.approx(bound) for d in rnn.layers)
    # The forward pass already used the clamped weights: clamping changes nothing,
    # and the state grows at most like bound ** t, not 5 ** t.
    output_clamped, _ = rnn(x)
    torch.testing.assert_close(output_beyond_bound, output_clamped)
    assert torch.isfinite(output_clamped).all()


def test_indrnn_initialisation_follows_the_length_of_the_recurrence():
    # Up to 32 steps: nn.Linear's input weights and u in [0, bound] in every layer.
    short = IndRNN(4, 256, num_layers=2, recurrent_max=recurrent_weight_bound(20), n_steps=20)
    for directions in short.layers:
        layer = directions[0]
        assert layer.input_weight.weight.abs().max() > 0.9 * layer.input_size**-0.5
        assert layer.recurrent_weight.min() < 0.05
    # Over 1,000 steps: input weights within 0.001, and the last layer's
    # units keep at least half of a value over the whole sequence.
    bound = recurrent_weight_bound(1000)
    long = IndRNN(4, 256, num_layers=2, recurrent_max=bound, n_steps=1000)
    first, last = long.layers[0][0], long.layers[1][0]
    for layer in (first, last):
        assert 0.0009 < layer.input_weight.weight.abs().max() <= 0.001
    assert first.recurrent_weight.min() < 0.05
    assert last.recurrent_weight.min() >= 1 / bound
    assert (last.recurrent_weight.min() ** 1000) >= 0.5 - 1e-6
    assert (last.recurrent_weight.max() ** 1000) <= 2.0 + 1e-6


def test_indrnn_input_threshold_starts_the_first_layer_as_event_detectors():
    bound = recurrent_weight_bound(1000)
    rnn = IndRNN(
        4, 256, num_layers=2, bidirectional=True, recurrent_max=bound, n_steps=1000, input_threshold=1.5
    )
    for first in rnn.layers[0]:
        assert torch.all(first.input_weight.bias == -1.5)
        # nn.Linear's size (bound 1 / sqrt(4)), not the long start's 0.001.
        assert first.input_weight.weight.abs().max() > 0.9 * 0.5
    for last in rnn.layers[1]:
        assert torch.all(last.input_weight.bias == 0)
        assert last.input_weight.weight.abs().max() <= 0.001
        assert last.recurrent_weight.min() >= 1 / bound
    assert "input_threshold=1.5" in repr(rnn)


def test_with_an_input_threshold_the_untrained_state_already_holds_the_adding_problems_answer():
    # A ridge read-out of the untrained last state: with the threshold only
    # the two marked steps reach it (measured 0.0003 and 0.0005 for two
    # seeds); from the default long start every step does (about 0.10).
    from sklearn.linear_model import RidgeCV

    from sk_rnn.datasets import make_adding_problem

    X, y = make_adding_problem(600, 1000, random_state=0)
    flat = X.reshape(-1, 2)
    X = torch.tensor((X - flat.mean(0)) / flat.std(0), dtype=torch.float32)
    errors = {}
    for threshold in (None, 1.0):
        torch.manual_seed(0)
        bound = recurrent_weight_bound(1000)
        rnn = IndRNN(2, 128, 2, recurrent_max=bound, n_steps=1000, input_threshold=threshold)
        with torch.no_grad():
            state = rnn(X)[1][-1].numpy()
        probe = RidgeCV(alphas=np.logspace(-6, 3, 20)).fit(state[:400], y[:400])
        errors[threshold] = np.mean((probe.predict(state[400:]) - y[400:]) ** 2)
    assert errors[1.0] < 0.005
    assert errors[None] > 0.05


def test_cell_params_are_checked_against_the_cell():
    with pytest.raises(ValueError, match=r"cell='lstm' does not take 'input_threshold': it takes no options"):
        RecurrentNetwork(3, 2, cell="lstm", cell_params={"input_threshold": 1.0})
    with pytest.raises(ValueError, match=r"'input_threshold' must be a finite number >= 0, got -1"):
        RecurrentNetwork(3, 2, cell="indrnn", cell_params={"input_threshold": -1})
    net = RecurrentNetwork(3, 2, cell="indrnn", cell_params={"input_threshold": 0.5})
    assert torch.all(net.rnn.layers[0][0].input_weight.bias == -0.5)


def test_indrnn_shapes_follow_torch_rnn_convention():
    rnn = IndRNN(3, 7, num_layers=3, bidirectional=True, dropout=0.1)
    output, h_n = rnn(torch.randn(5, 4, 3))
    assert output.shape == (5, 4, 14)
    assert h_n.shape == (6, 5, 7)
    with pytest.raises(ValueError, match="batch_first=True"):
        IndRNN(3, 7, batch_first=False)


@pytest.mark.parametrize("cell", sorted(CELLS))
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("output", ["last", "mean", "max", "last+max"])
def test_padded_batch_gives_the_outputs_of_unpadded_sequences(cell, bidirectional, output):
    torch.manual_seed(0)
    net = RecurrentNetwork(
        3, 2, cell=cell, hidden_size=6, num_layers=2, bidirectional=bidirectional, output=output
    ).eval()
    lengths = torch.tensor([7, 2, 5, 1])
    sequences = [torch.randn(n, 3) for n in lengths.tolist()]
    padded = torch.full((4, 7, 3), 123.0)  # padding with a loud value: it must not matter
    for i, seq in enumerate(sequences):
        padded[i, : len(seq)] = seq
    batched = net(padded, lengths=lengths)
    one_by_one = torch.cat([net(seq.unsqueeze(0)) for seq in sequences])
    torch.testing.assert_close(batched, one_by_one, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("cell", sorted(CELLS))
@pytest.mark.parametrize("bidirectional", [False, True])
def test_last_plus_max_reads_the_last_state_and_the_maximum_side_by_side(cell, bidirectional):
    torch.manual_seed(0)
    net = RecurrentNetwork(
        3, 2, cell=cell, hidden_size=6, num_layers=2, bidirectional=bidirectional, output="last+max"
    ).eval()
    width = 6 * (2 if bidirectional else 1)
    assert net.head.in_features == 2 * width
    X = torch.randn(4, 7, 3)
    lengths = torch.tensor([7, 2, 5, 1])
    steps, _ = net.step_outputs(X, lengths)
    valid = (torch.arange(7) < lengths.unsqueeze(1)).unsqueeze(2)
    maximum = steps.masked_fill(~valid, float("-inf")).amax(dim=1)
    expected = net.head(torch.cat([net.final_state(X, lengths), maximum], dim=1))
    torch.testing.assert_close(net(X, lengths=lengths), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_network_uses_the_requested_cell(cell):
    net = RecurrentNetwork(2, 3, cell=cell, hidden_size=4)
    expected = {"rnn": nn.RNN, "rnn_relu": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU, "indrnn": IndRNN}[cell]
    assert type(net.rnn) is expected
    if cell.startswith("rnn"):
        assert net.rnn.nonlinearity == ("relu" if cell == "rnn_relu" else "tanh")
    assert net(torch.randn(2, 5, 2)).shape == (2, 3)


def test_network_rejects_unknown_cell():
    with pytest.raises(ValueError, match="cell must be one of"):
        RecurrentNetwork(2, 3, cell="transformer")


def test_dropout_is_active_in_training_and_off_in_eval():
    torch.manual_seed(0)
    net = RecurrentNetwork(2, 3, hidden_size=32, dropout=0.5)
    x = torch.randn(4, 5, 2)
    net.train()
    assert not torch.equal(net(x), net(x))
    net.eval()
    torch.testing.assert_close(net(x), net(x))


@pytest.mark.parametrize("cell", sorted(CELLS))
@pytest.mark.parametrize("bidirectional", [False, True])
def test_per_step_outputs_of_a_padded_batch_match_unpadded_sequences(cell, bidirectional):
    torch.manual_seed(0)
    net = RecurrentNetwork(
        2, 3, cell=cell, hidden_size=5, bidirectional=bidirectional, output="sequence"
    ).eval()
    lengths = torch.tensor([6, 1, 4])
    sequences = [torch.randn(n, 2) for n in lengths.tolist()]
    padded = torch.full((3, 6, 2), -50.0)
    for i, seq in enumerate(sequences):
        padded[i, : len(seq)] = seq
    batched = net(padded, lengths=lengths)
    assert batched.shape == (3, 6, 3)
    for i, seq in enumerate(sequences):
        alone = net(seq.unsqueeze(0))[0]
        torch.testing.assert_close(batched[i, : len(seq)], alone, rtol=1e-5, atol=1e-5)
        assert (batched[i, len(seq) :] == 0).all()


def test_pooled_outputs_are_the_mean_and_max_of_the_step_outputs():
    torch.manual_seed(0)
    x = torch.randn(4, 5, 2)
    mean_net = RecurrentNetwork(2, 1, hidden_size=3, output="mean").eval()
    max_net = RecurrentNetwork(2, 1, hidden_size=3, output="max").eval()
    max_net.load_state_dict(mean_net.state_dict())
    steps, _ = mean_net.step_outputs(x)
    torch.testing.assert_close(mean_net(x), mean_net.head(steps.mean(dim=1)))
    torch.testing.assert_close(max_net(x), max_net.head(steps.amax(dim=1)))
    with pytest.raises(ValueError, match="output must be one of"):
        RecurrentNetwork(2, 1, output="first")


def test_per_step_losses_ignore_padding_steps():
    from sk_rnn.modules.losses import PerStepCrossEntropyLoss, PerStepMSELoss

    prediction = torch.tensor([[[1.0], [2.0], [99.0]]])
    target = torch.tensor([[[0.0], [2.0], [float("nan")]]])
    assert PerStepMSELoss()(prediction, target).item() == pytest.approx(0.5)
    logits = torch.tensor([[[5.0, 0.0], [0.0, 5.0], [50.0, -50.0]]])
    labels = torch.tensor([[0, 1, -100]])
    expected = nn.functional.cross_entropy(logits[0, :2], labels[0, :2])
    torch.testing.assert_close(PerStepCrossEntropyLoss()(logits, labels), expected)


def test_patches_end_at_each_sequences_last_step_and_never_copy_padding():
    from sk_rnn.modules import patch_steps

    X = torch.tensor([[1.0, 2.0, 3.0, 4.0, 5.0], [6.0, 7.0, 99.0, 99.0, 99.0]]).unsqueeze(2)
    patches, lengths = patch_steps(X, torch.tensor([5, 2]), 2)
    assert lengths.tolist() == [3, 1]
    # The first patch of the 5-step sequence is completed with a zero in front;
    # the padding (99) of the second sequence is never read.
    torch.testing.assert_close(patches[0], torch.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]))
    torch.testing.assert_close(patches[1, 0], torch.tensor([6.0, 7.0]))
    assert 99.0 not in patches
    alone, no_lengths = patch_steps(X[:1], None, 2)
    assert no_lengths is None
    torch.testing.assert_close(alone[0], patches[0])
    unchanged, same = patch_steps(X, torch.tensor([5, 2]), 1)
    assert unchanged is X and same.tolist() == [5, 2]


@pytest.mark.parametrize("cell", sorted(CELLS))
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("input_scaling", ["sequence", "global", None])
def test_patched_padded_batch_gives_the_outputs_of_unpadded_sequences(cell, bidirectional, input_scaling):
    torch.manual_seed(0)
    net = RecurrentNetwork(
        2,
        3,
        cell=cell,
        hidden_size=5,
        bidirectional=bidirectional,
        patch_size=3,
        input_scaling=input_scaling,
        input_mean=[1.0, -2.0],
        input_scale=[2.0, 0.5],
    ).eval()
    lengths = torch.tensor([10, 1, 4, 7])
    sequences = [torch.randn(n, 2) for n in lengths.tolist()]
    padded = torch.full((4, 10, 2), 77.0)
    for i, seq in enumerate(sequences):
        padded[i, : len(seq)] = seq
    batched = net(padded, lengths=lengths)
    one_by_one = torch.cat([net(seq.unsqueeze(0)) for seq in sequences])
    torch.testing.assert_close(batched, one_by_one, rtol=1e-5, atol=1e-5)


def test_patches_are_refused_with_per_step_outputs():
    with pytest.raises(ValueError, match="output='sequence' needs one output per step"):
        RecurrentNetwork(2, 3, output="sequence", patch_size=4)


@pytest.mark.parametrize("cell", ["gru", "indrnn"])
@pytest.mark.parametrize(
    ("lengths", "message"),
    [
        ([9, 3, 5, 1, 2], r"lengths from 1 to 9, but each must lie between 1 and the 7 steps"),
        ([0, 3, 5, 1, 2], r"lengths from 0 to 5"),
        ([7.0, 3.0, 5.0, 1.0, 2.0], r"1-D int64 tensor with one length per sequence \(5 here\).*float32"),
        ([7, 3], r"one length per sequence \(5 here\), got a 1-D torch.int64 tensor of 2 values"),
    ],
)
def test_lengths_outside_the_steps_are_refused_not_read_from_copies(cell, lengths, message):
    # A length beyond T read copies of the last step (with patches), and 0 an index of -1.
    network = RecurrentNetwork(3, 2, cell=cell, patch_size=3).eval()
    with pytest.raises(ValueError, match=message):
        network(torch.randn(5, 7, 3), torch.as_tensor(lengths))


def test_lstm_forget_gates_start_open():
    net = RecurrentNetwork(2, 3, cell="lstm", hidden_size=4, num_layers=2)
    for layer in range(2):
        bias = getattr(net.rnn, f"bias_ih_l{layer}") + getattr(net.rnn, f"bias_hh_l{layer}")
        torch.testing.assert_close(bias[4:8], torch.ones(4))


def test_a_feature_constant_over_a_sequence_standardises_to_exact_zeros():
    # A static covariate repeated at every step, far from zero: its rounding
    # must not be blown up into noise by the per-sequence standardisation.
    from sk_rnn.modules.network import _standardised_per_sequence

    X = torch.randn(3, 50, 2)
    X[:, :, 1] = torch.tensor([123456.7, -98765.4, 3.3]).unsqueeze(1)
    mean, scale = torch.tensor([0.0, 1e4]), torch.tensor([1.0, 1e5])
    standardised, summary = _standardised_per_sequence(X, torch.tensor([50, 20, 7]), mean, scale)
    assert torch.all(standardised[:, :, 1] == 0)
    torch.testing.assert_close(summary[:, 1], (X[:, 0, 1] - 1e4) / 1e5)
    torch.testing.assert_close(standardised[0, :, 0].std(unbiased=False), torch.tensor(1.0))


def _autograd_recurrence(projected, u):
    """The naive reference: autograd through a Python loop."""
    h = projected.new_zeros(projected.shape[0], projected.shape[2])
    steps = []
    for t in range(projected.shape[1]):
        h = torch.relu(projected[:, t] + u * h)
        steps.append(h)
    return torch.stack(steps, dim=1)


@pytest.mark.parametrize("n_steps", [1, 2, 9])
def test_indrnn_hand_written_backward_matches_autograd(n_steps):
    from sk_rnn.modules.indrnn import ElementwiseRecurrence

    torch.manual_seed(0)
    projected = torch.randn(3, n_steps, 5, dtype=torch.float64, requires_grad=True)
    u = (torch.rand(5, dtype=torch.float64) * 2 - 1).requires_grad_(True)
    assert torch.autograd.gradcheck(ElementwiseRecurrence.apply, (projected, u))
    # The same values and gradients as the naive loop, in float32 too.
    projected32 = projected.detach().float().requires_grad_(True)
    u32 = u.detach().float().requires_grad_(True)
    reference_p, reference_u = (
        projected32.detach().clone().requires_grad_(True),
        u32.detach().clone().requires_grad_(True),
    )
    out = ElementwiseRecurrence.apply(projected32, u32)
    expected = _autograd_recurrence(reference_p, reference_u)
    torch.testing.assert_close(out, expected)
    weights = torch.randn_like(out)
    (out * weights).sum().backward()
    (expected * weights).sum().backward()
    torch.testing.assert_close(projected32.grad, reference_p.grad)
    torch.testing.assert_close(u32.grad, reference_u.grad)


# Runs the GPU kernels in Triton's interpreter, on CPU tensors, against the
# step loops: the interpreter must be chosen before Triton is imported.
KERNELS_IN_THE_INTERPRETER = """
import torch
from sk_rnn.modules import _indrnn_kernels as kernels
from sk_rnn.modules.indrnn import _backward_loop, _forward_loop

torch.manual_seed(0)
for dtype, tolerance in ((torch.float32, 1e-5), (torch.float64, 1e-12)):
    # 70 units: a block of 64 columns ends inside a sequence, and the last is partly empty.
    projected = torch.randn(3, 17, 70, dtype=dtype)
    u = torch.empty(70, dtype=dtype).uniform_(-1, 1)
    out = kernels.recurrence_forward(projected, u)
    torch.testing.assert_close(out, _forward_loop(projected, u), atol=tolerance, rtol=tolerance)
    grad_out = torch.randn_like(out)
    for got, expected in zip(kernels.recurrence_backward(grad_out, out, u), _backward_loop(grad_out, out, u)):
        torch.testing.assert_close(got, expected, atol=tolerance * 10, rtol=tolerance)
print("kernels equal the loops")
"""


def test_gpu_kernels_equal_the_step_loops_in_tritons_interpreter():
    import os
    import subprocess
    import sys

    pytest.importorskip("triton")
    result = subprocess.run(
        [sys.executable, "-c", KERNELS_IN_THE_INTERPRETER],
        env={**os.environ, "TRITON_INTERPRET": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if "only 0-dimensional arrays can be converted" in result.stderr:
        # Triton's interpreter turns a loop bound into a one-element array,
        # which numpy 2.5 no longer converts to an int (seen with Triton 3.6).
        pytest.skip("this Triton's interpreter cannot run loops over a runtime bound with this numpy")
    assert result.returncode == 0, result.stderr
    assert "kernels equal the loops" in result.stdout


@pytest.fixture
def every_tensor_on_a_gpu(monkeypatch):
    """IndRNN's kernel dispatch as on a GPU, with no failure recorded yet; returns the module."""
    from sk_rnn.modules import indrnn

    monkeypatch.setattr(indrnn, "_kernel_failures", [])
    monkeypatch.setattr(torch.Tensor, "is_cuda", property(lambda self: True))
    return indrnn


def test_indrnn_falls_back_to_its_loops_once_the_gpu_kernels_fail(every_tensor_on_a_gpu, monkeypatch):
    import types

    indrnn = every_tensor_on_a_gpu
    calls = []

    def broken(*args):
        calls.append(args)
        raise RuntimeError("Failed to find C compiler")

    # Kernels that fail as Triton does without a C compiler.
    monkeypatch.setattr(indrnn, "_triton_kernels", lambda: types.SimpleNamespace(recurrence_forward=broken))
    projected = torch.randn(2, 6, 3, requires_grad=True)
    u = torch.rand(3, requires_grad=True)
    with pytest.warns(RuntimeWarning, match=r"could not run its Triton kernels.*C compiler.*step loops"):
        out = indrnn.ElementwiseRecurrence.apply(projected, u)
    torch.testing.assert_close(out, _autograd_recurrence(projected, u))
    out.sum().backward()  # the backward pass goes straight to the loops
    assert projected.grad is not None
    indrnn.ElementwiseRecurrence.apply(projected, u)  # no second try, no second warning
    assert len(calls) == 1


def test_indrnn_falls_back_to_its_loops_when_triton_fails_to_import(every_tensor_on_a_gpu, monkeypatch):
    indrnn = every_tensor_on_a_gpu

    def failing_import():
        raise RuntimeError("0 active drivers ([]). There should only be one.")

    monkeypatch.setattr(indrnn, "_triton_kernels", failing_import)
    projected, u = torch.randn(2, 6, 3), torch.rand(3)
    with pytest.warns(RuntimeWarning, match=r"Triton kernels on this GPU \(RuntimeError: 0 active drivers"):
        out = indrnn.ElementwiseRecurrence.apply(projected, u)
    torch.testing.assert_close(out, _autograd_recurrence(projected, u))
