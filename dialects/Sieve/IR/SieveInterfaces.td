//===- SieveInterfaces.td - interfaces of the sieve dialect ---------------===//

#ifndef SIEVE_INTERFACES_TD
#define SIEVE_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Sieve_LayerOpInterface : OpInterface<"LayerOpInterface"> {
  let cppNamespace = "::mlir::sieve";
  let description = [{
    A feed-forward block of a Transformer: it maps token activations
    `tokens x d_model` to `tokens x d_model` with trainable weights. Every
    layer op is lowered by `sieve-decompose`; a module that still holds one
    after that pass is an error.
  }];
  let methods = [
    InterfaceMethod<"The token activations the layer reads (tokens x d_model).",
      "::mlir::Value", "getInput", (ins), [{ return $_op.getX(); }]>,
    InterfaceMethod<"The block's output (tokens x d_model).",
      "::mlir::Value", "getOutput", (ins), [{ return $_op.getY(); }]>,
    InterfaceMethod<"The trainable weights, in operand order.",
      "::llvm::SmallVector<::mlir::Value>", "getWeights">,
  ];
}

def Sieve_AdjointOpInterface : OpInterface<"AdjointOpInterface"> {
  let cppNamespace = "::mlir::sieve";
  let description = [{
    An op that knows its adjoint (its reverse-mode derivative), so that
    `sieve-generate-backward` can derive the backward pass of any function
    built from such ops. Sieve attaches it to its primitives and, as external
    models, to the upstream ops the layers decompose into (linalg.matmul,
    elementwise linalg.generic, linalg.softmax, tensor reshapes and slices).

    `buildAdjoint` is called once, in reverse program order, when at least
    one result of the op has a gradient. It reads the results' gradients
    from the state and accumulates the gradients of its active operands
    into it, building ops at the builder's insertion point. It fails, with a
    diagnostic on the op, for a configuration it cannot differentiate.
  }];
  let methods = [
    InterfaceMethod<"Builds the adjoint of this op into `state`.",
      "::llvm::LogicalResult", "buildAdjoint",
      (ins "::mlir::OpBuilder &":$builder,
           "::mlir::sieve::AdjointState &":$state)>,
  ];
}

#endif // SIEVE_INTERFACES_TD
