//===- DevicesCommand.cpp - `sieve devices` -------------------------------===//
//
// Says where kernels can run: the host CPU, and the GPU when a driver and a
// device are there, or in one line why not (then the host backend runs the
// kernels). Loads libcuda with dlopen, so it works on any machine.
//
//===----------------------------------------------------------------------===//

#include "tools/sieve/Commands.h"

#include "runtime/Cuda/Driver.h"
#include "runtime/Host/Executor.h"

#include <fmt/format.h>

using namespace mlir::sieve::driver;

llvm::cl::SubCommand mlir::sieve::driver::devicesCommand(
    "devices", "Say where kernels can run: the host CPU and, when present, "
               "the GPU (compile for it with --target sm_<capability>)");

int mlir::sieve::driver::runDevicesCommand() {
  ::sieve::runtime::HostExecutor host;
  fmt::print("host: {} threads (sieve compile --target host)\n",
             host.threads());
  std::string why;
  ::sieve::runtime::cuda::Driver *driver =
      ::sieve::runtime::cuda::Driver::get(&why);
  if (!driver) {
    fmt::print("GPU: none ({}); kernels run on the host backend\n", why);
    return 0;
  }
  int capability = driver->computeCapability();
  fmt::print("GPU: {} (sieve compile --target {})\n", driver->describe(),
             capability >= 90 ? "sm_90a" : "sm_80");
  return 0;
}
