#!/usr/bin/env bash
# The MNIST part of issue 18's table (docs/learning-rules.md, "What is left"): 784-100-10, ReLU and
# sigmoid, PCM and MOSFET synapses, backprop / dfa x pulse / stochastic / essop, seeds 1-3, full
# MNIST, the presets' epochs. Each run is tens of minutes (compact engine): this is for an idle
# machine, not for ctest. One run file per case in OUT; summarise them with
#   python3 scripts/summarize_results.py OUT/*.h5   (or read /training/metrics with h5py:
#   test_accuracy, update_pulses, update_random_numbers, energy_total_J, sample_latency_s).
#     bench/learning_rules_table.sh CIMKIT OUT [JOBS]
set -euo pipefail
cimkit=${1:?usage: learning_rules_table.sh CIMKIT OUT [JOBS]}
out=${2:?usage: learning_rules_table.sh CIMKIT OUT [JOBS]}
jobs=${3:-1}
mkdir -p "$out"
cases=()
for preset in mnist_pcm mnist_mosfet; do
  for activation in sigmoid relu; do
    for rule in backprop dfa; do
      for mode in pulse stochastic essop; do
        for seed in 1 2 3; do
          cases+=("$preset $activation $rule $mode $seed")
        done
      done
    done
  done
done
run_case() {
  read -r preset activation rule mode seed <<<"$1"
  name="${preset}_${activation}_${rule}_${mode}_s${seed}"
  nice -n 19 "$cimkit" train --config "$(dirname "$0")/../data/experiments/${preset}.toml" --quiet --force \
    --set run.seed="$seed" --set network.hidden_activation="$activation" --set training.rule="$rule" \
    --set array.update_mode="$mode" --set array.accumulate_residual="$([ "$mode" = pulse ] && echo true || echo false)" \
    --set evaluate.after_s=0 -o "$out/$name.h5" > "$out/$name.log" 2>&1 || echo "FAILED $name (see $out/$name.log)"
}
export -f run_case
export cimkit out
printf '%s\n' "${cases[@]}" | xargs -P "$jobs" -I{} bash -c 'run_case "{}"'
