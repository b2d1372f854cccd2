//===- MapLoopsToGPU.cpp - an entry point's loops as GPU kernels ----------===//
//
// After the loops stage an entry point is a flat sequence of top-level ops:
// parallel loop nests, serial loops, allocations and scalar arithmetic on
// sizes. On a GPU target every op that touches a buffer must run on the
// device, so this pass
//   - turns each top-level scf.parallel into one gpu.launch whose threads
//     take the flattened iteration space, one iteration each;
//   - gathers each run of serial code (loops with carried state, single
//     loads and stores, and whatever uses their results) into a
//     one-thread gpu.launch;
//   - runs scf.parallel nested in either kind sequentially in its thread;
//   - leaves calls of runtime functions (sieve.runtime_call) on the host,
//     as it does gpu.launch: they enqueue their own kernels.
// Allocations, sizes and index arithmetic stay on the host: a GPU bundle's
// memref.alloc is served by the runtime's device allocator.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "mlir/Dialect/GPU/Utils/GPUUtils.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir::sieve {
#define GEN_PASS_DEF_MAPLOOPSTOGPU
#include "compiler/Conversion/Passes.h.inc"
} // namespace mlir::sieve

using namespace mlir;

namespace {

/// Ops that may run on the host: they read no buffer contents (a TMA
/// tensor map describes a buffer from its address and shape).
bool mayRunOnHost(Operation *op) {
  if (isa<memref::AllocOp, memref::DeallocOp, memref::DimOp,
          nvgpu::TmaCreateDescriptorOp>(op))
    return true;
  return op->getNumRegions() == 0 && isMemoryEffectFree(op);
}

/// A call of a function the runtime implements on the host (it enqueues
/// its own kernels): it stays on the host, as gpu.launch does.
bool isRuntimeCall(Operation *op) {
  auto call = dyn_cast<func::CallOp>(op);
  if (!call)
    return false;
  auto callee = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
      call, call.getCalleeAttr());
  return callee && callee->hasAttr(sieve::kRuntimeCallAttrName);
}

bool isParallelNest(Operation *op) {
  auto loop = dyn_cast<scf::ParallelOp>(op);
  return loop && loop.getNumResults() == 0;
}

/// Replaces `loop` by nested scf.for loops running its iterations in order.
LogicalResult serialize(scf::ParallelOp loop) {
  // untested-diagnostic: the loops stage makes no parallel reductions.
  if (loop.getNumResults() != 0)
    return loop.emitOpError()
           << "with reductions cannot run inside a GPU thread";
  OpBuilder b(loop);
  scf::buildLoopNest(
      b, loop.getLoc(), loop.getLowerBound(), loop.getUpperBound(),
      loop.getStep(), [&](OpBuilder &nested, Location, ValueRange ivs) {
        IRMapping map;
        map.map(loop.getInductionVars(), ivs);
        for (Operation &op : loop.getBody()->without_terminator())
          nested.clone(op, map);
      });
  loop.erase();
  return success();
}

/// Serializes every scf.parallel inside `root`, innermost first.
LogicalResult serializeNested(Operation *root) {
  SmallVector<scf::ParallelOp> loops;
  root->walk([&](scf::ParallelOp loop) { loops.push_back(loop); });
  for (scf::ParallelOp loop : loops)
    if (failed(serialize(loop)))
      return failure();
  return success();
}

/// One thread per iteration of a top-level parallel nest, the last
/// dimension fastest, in blocks of `blockSize` threads.
LogicalResult launchParallelNest(scf::ParallelOp loop, int64_t blockSize) {
  Location loc = loop.getLoc();
  OpBuilder b(loop);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value block = arith::ConstantIndexOp::create(b, loc, blockSize);
  SmallVector<Value> trips;
  Value total = one;
  for (auto [lb, ub, step] :
       llvm::zip(loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
    Value span = arith::MaxSIOp::create(
        b, loc, arith::SubIOp::create(b, loc, ub, lb), zero);
    Value trip = arith::CeilDivSIOp::create(b, loc, span, step);
    trips.push_back(trip);
    total = arith::MulIOp::create(b, loc, total, trip);
  }
  // A launch of zero blocks is an error in CUDA: skip empty nests.
  Value any =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, total, zero);
  auto guard = scf::IfOp::create(b, loc, any, /*withElseRegion=*/false);
  b.setInsertionPointToStart(&guard.getThenRegion().front());
  Value blocks = arith::CeilDivSIOp::create(b, loc, total, block);
  auto launch =
      gpu::LaunchOp::create(b, loc, blocks, one, one, block, one, one);
  b.setInsertionPointToStart(&launch.getBody().front());
  Value linear = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, launch.getBlockIds().x, block),
      launch.getThreadIds().x);
  Value inside =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, linear, total);
  auto ifInside = scf::IfOp::create(b, loc, inside, /*withElseRegion=*/false);
  gpu::TerminatorOp::create(b, loc);

  b.setInsertionPointToStart(&ifInside.getThenRegion().front());
  IRMapping map;
  Value rest = linear;
  for (int64_t d = static_cast<int64_t>(trips.size()) - 1; d >= 0; --d) {
    Value index = arith::RemSIOp::create(b, loc, rest, trips[d]);
    rest = arith::DivSIOp::create(b, loc, rest, trips[d]);
    Value iv = arith::AddIOp::create(
        b, loc, loop.getLowerBound()[d],
        arith::MulIOp::create(b, loc, index, loop.getStep()[d]));
    map.map(loop.getInductionVars()[d], iv);
  }
  for (Operation &op : loop.getBody()->without_terminator())
    b.clone(op, map);
  loop.erase();
  return serializeNested(launch);
}

/// Maps one entry point's body.
LogicalResult mapFunction(func::FuncOp fn, int64_t blockSize) {
  if (fn.isExternal())
    return success();
  // untested-diagnostic: the loops stage leaves structured control flow.
  if (!fn.getBody().hasOneBlock())
    return fn.emitOpError() << "must have a single block to run on a GPU";
  Block &body = fn.getBody().front();

  // Host-resident ops: host-capable, with host-resident operands only.
  llvm::DenseSet<Operation *> onHost;
  auto resident = [&](Value v) {
    if (auto arg = dyn_cast<BlockArgument>(v))
      return arg.getOwner() == &body;
    return onHost.contains(v.getDefiningOp());
  };
  SmallVector<Operation *> ops;
  llvm::DenseMap<Operation *, size_t> position;
  for (Operation &op : body) {
    position[&op] = ops.size();
    ops.push_back(&op);
    if (mayRunOnHost(&op) && llvm::all_of(op.getOperands(), resident))
      onHost.insert(&op);
  }

  size_t i = 0;
  while (i < ops.size()) {
    Operation *first = ops[i];
    // Kernels made by an earlier pass (sieve-convert-cvmm-to-gpu) launch
    // from the host as they are.
    if (onHost.contains(first) || isa<gpu::LaunchOp>(first) ||
        isRuntimeCall(first) || first->hasTrait<OpTrait::IsTerminator>()) {
      ++i;
      continue;
    }
    if (isParallelNest(first)) {
      if (failed(launchParallelNest(cast<scf::ParallelOp>(first), blockSize)))
        return failure();
      ++i;
      continue;
    }

    // A serial run: `first`, everything after it that is not a parallel
    // nest, and everything that uses a value the run computes.
    llvm::DenseSet<Operation *> members;
    SmallVector<Operation *> ordered, hoisted, deferred;
    size_t lastUse = i;
    auto add = [&](Operation *op) {
      members.insert(op);
      ordered.push_back(op);
      for (Operation *user : op->getUsers())
        if (Operation *top = body.findAncestorOpInBlock(*user))
          lastUse = std::max(lastUse, position[top]);
    };
    auto usesMember = [&](Operation *op) {
      bool uses = false;
      op->walk([&](Operation *nested) {
        for (Value operand : nested->getOperands())
          if (Operation *def = operand.getDefiningOp())
            if (Operation *top = body.findAncestorOpInBlock(*def))
              uses |= members.contains(top);
      });
      return uses;
    };
    add(first);
    size_t j = i + 1;
    for (; j < ops.size(); ++j) {
      Operation *next = ops[j];
      if (next->hasTrait<OpTrait::IsTerminator>())
        break;
      bool uses = usesMember(next);
      if (!uses && onHost.contains(next)) {
        (isa<memref::DeallocOp>(next) ? deferred : hoisted).push_back(next);
        continue;
      }
      if (!uses && j > lastUse &&
          (isParallelNest(next) || isa<gpu::LaunchOp>(next) ||
           isRuntimeCall(next)))
        break;
      // untested-diagnostic: the kernels earlier passes make read their
      // sizes on the device.
      if (isa<gpu::LaunchOp>(next) || isRuntimeCall(next))
        return next->emitOpError()
               << "uses a value computed on the GPU to launch";
      if (isa<memref::AllocOp>(next))
        return next->emitOpError()
               << "is sized by values computed on the GPU; a GPU target "
                  "allocates on the host";
      add(next);
    }

    for (Operation *op : hoisted)
      op->moveBefore(first);
    OpBuilder b(first);
    Location loc = first->getLoc();
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    auto launch = gpu::LaunchOp::create(b, loc, one, one, one, one, one, one);
    b.setInsertionPointToStart(&launch.getBody().front());
    auto terminator = gpu::TerminatorOp::create(b, loc);
    for (Operation *op : ordered)
      op->moveBefore(terminator);
    Operation *after = launch;
    for (Operation *op : deferred) {
      op->moveAfter(after);
      after = op;
    }
    if (failed(serializeNested(launch)))
      return failure();
    i = j;
  }
  return success();
}

struct MapLoopsToGPUPass
    : mlir::sieve::impl::MapLoopsToGPUBase<MapLoopsToGPUPass> {
  using MapLoopsToGPUBase::MapLoopsToGPUBase;

  void runOnOperation() override {
    if (blockSize <= 0 || blockSize > 1024) {
      emitError(getOperation().getLoc())
          << "block-size must be in [1, 1024], got " << blockSize.getValue();
      return signalPassFailure();
    }
    for (auto fn : getOperation().getOps<func::FuncOp>())
      if (failed(mapFunction(fn, blockSize)))
        return signalPassFailure();
    // Constants a kernel uses are made inside it (canonicalize hoists them
    // out of launches; aggregates such as a zero wgmma accumulator cannot
    // be kernel arguments).
    SmallVector<gpu::LaunchOp> launches;
    getOperation().walk(
        [&](gpu::LaunchOp launch) { launches.push_back(launch); });
    for (gpu::LaunchOp launch : launches)
      if (failed(sinkOperationsIntoLaunchOp(launch, [](Operation *op) {
            return op->hasTrait<OpTrait::ConstantLike>();
          })))
        return signalPassFailure();
  }
};

} // namespace
