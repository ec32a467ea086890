#!/usr/bin/env bash
# Every check of the GPU path in one run, on a machine with a CUDA GPU:
#
#   1. the tests that need a GPU (tests/test_cuda.py) and the modules' tests;
#   2. bench_gpu.py: sk_rnn against the hand-written loop on the GPU,
#      bfloat16 against float32, a CPU reload and an ONNX export, and the
#      GPU-trained model saved for a machine without a GPU to load
#      (python benchmarks/bench_gpu.py --check-saved DIR/saved there);
#   3. bench_cells.py --device cuda: every cell's training step against
#      cuDNN's nn.RNN, IndRNN with and without its kernels;
#   4. IndRNN on the adding problem over 1,000 and 5,000 steps, on the GPU.
#
# Each step has a time limit, and its output is written to DIR/<step>.log as
# it comes. The exit status is 1 if any step failed.
#
#     bash benchmarks/gpu_checks.sh [DIR]     # DIR defaults to gpu_checks
set -u
out=${1:-gpu_checks}
python=${PYTHON:-python3}
mkdir -p "$out"
export PYTHONUNBUFFERED=1
# The benchmarks import sk_rnn from this checkout, installed or not.
export PYTHONPATH="$(cd "$(dirname "$0")/.." && pwd)${PYTHONPATH:+:$PYTHONPATH}"
status=0

step() {
    local name=$1 limit=$2
    shift 2
    echo "== $name (at most ${limit} s)"
    timeout "$limit" "$@" 2>&1 | tee "$out/$name.log"
    local code=${PIPESTATUS[0]}
    if [ "$code" != 0 ]; then
        echo "== $name: exit status $code"
        status=1
    fi
}

"$python" -c "import sklearn, skorch, torch; print('torch', torch.__version__, 'CUDA', torch.version.cuda, torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'no CUDA GPU', '| scikit-learn', sklearn.__version__, '| skorch', skorch.__version__)"
step tests 150 "$python" -m pytest -q -p no:cacheprovider tests/test_cuda.py tests/test_modules.py
step bench_gpu 120 "$python" benchmarks/bench_gpu.py --repeats 3 --save-to "$out/saved"
step bench_cells 90 "$python" benchmarks/bench_cells.py --device cuda
step long_memory 180 "$python" benchmarks/bench_long_memory.py --lengths 1000 5000 --cells indrnn \
    --max-epochs 100 --set device=cuda learning_rate=0.001 --output "$out/long_memory.md"
exit $status
