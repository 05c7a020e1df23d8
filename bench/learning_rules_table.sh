#!/usr/bin/env bash
# The MNIST part of issue 18's table (docs/learning-rules.md, "What is left"): 784-100-10, ReLU and
# sigmoid, PCM and MOSFET synapses, backprop / dfa x pulse / stochastic / essop x read-out, seeds 1-3,
# full MNIST, the presets' epochs. Read-outs (docs/learning-rules.md#read-out): ideal (analog), adc8
# (an 8-bit converter on every line), sense_amp (1-bit sense amplifiers on the hidden layer, hardware
# awareness raised linearly to 1 over the epochs) and sense_amp_unaware (the same, lambda = 1 from
# the start). READOUTS (environment) picks a subset, e.g. READOUTS="ideal sense_amp". Each run is tens of minutes (compact engine): this is for an idle
# machine, not for ctest. One run file per case in OUT; summarise them with
#   python3 scripts/summarize_results.py OUT/*.h5   (or read /training/metrics with h5py:
#   test_accuracy, update_pulses, update_random_numbers, energy_total_J, sample_latency_s,
#   readout_energy_J, readout_latency_s).
#     bench/learning_rules_table.sh CIMKIT OUT [JOBS]
set -euo pipefail
cimkit=${1:?usage: learning_rules_table.sh CIMKIT OUT [JOBS]}
out=${2:?usage: learning_rules_table.sh CIMKIT OUT [JOBS]}
jobs=${3:-1}
mkdir -p "$out"
readouts=${READOUTS:-ideal adc8 sense_amp sense_amp_unaware}
cases=()
for preset in mnist_pcm mnist_mosfet; do
  for activation in sigmoid relu; do
    for rule in backprop dfa; do
      for mode in pulse stochastic essop; do
        for readout in $readouts; do
          for seed in 1 2 3; do
            cases+=("$preset $activation $rule $mode $readout $seed")
          done
        done
      done
    done
  done
done
# The --set arguments of a read-out; the awareness ramp needs the preset's epochs: lambda_e = e / E.
readout_settings() {
  local readout=$1 config=$2 epochs
  epochs=$(sed -n 's/^epochs *= *\([0-9]*\).*/\1/p' "$config" | head -n 1)
  case $readout in
    ideal) echo "--set array.readout=ideal --set array.adc_bits=0" ;;
    adc8) echo "--set array.readout=adc --set array.adc_bits=8" ;;
    sense_amp) echo "--set array.readout=sense_amp --set array.adc_bits=8 --set training.hw_awareness_schedule=[$(seq -s, 1 "$epochs" | awk -F, -v e="$epochs" '{for (i = 1; i <= NF; ++i) printf "%s%g", (i > 1 ? "," : ""), $i / e}')]" ;;
    sense_amp_unaware) echo "--set array.readout=sense_amp --set array.adc_bits=8 --set training.hw_awareness_schedule=1" ;;
  esac
}
run_case() {
  read -r preset activation rule mode readout seed <<<"$1"
  name="${preset}_${activation}_${rule}_${mode}_${readout}_s${seed}"
  config="$(dirname "$0")/../data/experiments/${preset}.toml"
  # shellcheck disable=SC2046  # the read-out's settings are separate words
  nice -n 19 "$cimkit" train --config "$config" --quiet --force \
    --set run.seed="$seed" --set network.hidden_activation="$activation" --set training.rule="$rule" \
    --set array.update_mode="$mode" --set array.accumulate_residual="$([ "$mode" = pulse ] && echo true || echo false)" \
    $(readout_settings "$readout" "$config") \
    --set evaluate.after_s=0 -o "$out/$name.h5" > "$out/$name.log" 2>&1 || echo "FAILED $name (see $out/$name.log)"
}
export -f run_case readout_settings
export cimkit out
printf '%s\n' "${cases[@]}" | xargs -P "$jobs" -I{} bash -c 'run_case "{}"'
