# lit configuration for Sieve's FileCheck suites.

import os

import lit.formats
from lit.llvm import llvm_config

config.name = "Sieve"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.sieve_obj_root, "test")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Inputs",
                   "diagnostic_coverage.py", "counter_random.py", "cross_check.py", "lm_fidelity.py"]

llvm_config.with_system_environment(["HOME", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

config.substitutions.append(("%sieve_src_root", config.sieve_src_root))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%torch_python", config.torch_python))
config.substitutions.append(("%sieve_obj_root", config.sieve_obj_root))
config.substitutions.append(("%sieve_tools_dir", config.sieve_tools_dir))

tool_dirs = [config.sieve_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(
    ["sieve-opt", "sieve", "sieve-torch-export", "lm-fidelity-export",
     "sieve-gpu-ffn-bench"],
    tool_dirs)
llvm_config.add_tool_substitutions(
    ["FileCheck", "not", "count", "llvm-as", "llvm-nm", "mlir-runner"],
    [config.llvm_tools_dir])
# MLIR's C runner library, for lowered loops executed by mlir-runner.
config.substitutions.append(
    ("%mlir_c_runner_utils", config.llvm_lib_dir + "/libmlir_c_runner_utils.so"))

# GPU-free CUDA checks (PTX through ptxas) run where the toolkit is present.
if config.sieve_ptxas and not config.sieve_ptxas.endswith("-NOTFOUND"):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", config.sieve_ptxas))
