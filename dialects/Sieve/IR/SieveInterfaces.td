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

#endif // SIEVE_INTERFACES_TD
