/**
 * The SmartDeal hardware DSL: typed front end -> IR -> checks -> Verilog (generator/emit).
 * Everything a design or a tool needs is re-exported here; see docs/dsl.md.
 */
export { UInt, SInt, Bool, bundle, flip, stream, describeType } from './types.js';
export type { BitsType, BundleType, Flipped, HwType, ParamRef, Fields, FieldSpec } from './types.js';
export { Value, Signal, lit, mux, cat, replicate, select, addTree, MAX_DYNAMIC_SHIFT_GROWTH } from './value.js';
export type { ValueLike } from './value.js';
export { ModuleBuilder, WhenChain, SwitchBuilder, bundleTypeOf } from './module.js';
export type { SignalsOf, ClockDomain, RegOptions, Instance, InstanceIO, InstanceOptions } from './module.js';
export { Memory } from './memory.js';
export type { MemoryOptions, SinglePortOptions } from './memory.js';
export { Fsm } from './fsm.js';
export { defineModule, defaultModuleName } from './define.js';
export type { ModuleDef, ModuleSpec, BuildFn, DefineOptions } from './define.js';
export { elaborate, Design } from './elaborate.js';
export type { ElaborateOptions } from './elaborate.js';
export { ElaborationError, formatLocation } from './errors.js';
export type { Diagnostic, DiagnosticKind } from './errors.js';
export { setLocationCapture, Loc } from './location.js';
export type { SourceLocation } from './location.js';
export { ModuleIR, SignalIR, Node } from './ir.js';
export type { PortInfo, Stmt, MemoryIR, MemoryStyle, MemSinglePort, InstanceIR, DomainIR, FsmIR } from './ir.js';
export { evalOp, toSigned, mask } from './eval.js';
export { defineBlackBox, vbits, verilogValueText } from './blackbox.js';
export type { BlackBoxDef, BlackBoxPort, BlackBoxSpec, BlackBoxInfo, SimModel, VerilogBits, VerilogValue } from './blackbox.js';
export { Ram } from './primitives/ram.js';
export type { RamParams, RamIO } from './primitives/ram.js';
