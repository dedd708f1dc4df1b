/** Verilog identifier rules for user-given names. */
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

// Verilog-2005 and SystemVerilog keywords a generated file must not use as names.
const KEYWORDS = new Set(`always and assign automatic begin buf bufif0 bufif1 case casex casez cell cmos config deassign
default defparam design disable edge else end endcase endconfig endfunction endgenerate endmodule endprimitive
endspecify endtable endtask event for force forever fork function generate genvar highz0 highz1 if ifnone incdir
include initial inout input instance integer join large liblist library localparam macromodule medium module nand
negedge nmos nor noshowcancelled not notif0 notif1 or output parameter pmos posedge primitive pull0 pull1 pulldown
pullup pulsestyle_onevent pulsestyle_ondetect rcmos real realtime reg release repeat rnmos rpmos rtran rtranif0
rtranif1 scalared showcancelled signed small specify specparam strong0 strong1 supply0 supply1 table task time tran
tranif0 tranif1 tri tri0 tri1 triand trior trireg unsigned use uwire vectored wait wand weak0 weak1 while wire wor
xnor xor logic bit byte int shortint longint always_comb always_ff always_latch interface class string enum struct
union typedef unique priority final alias const static virtual`.split(/\s+/));

/** Why `name` cannot be a Verilog identifier, or undefined when it can. */
export function invalidIdentifier(name: string): string | undefined {
  if (!IDENT.test(name)) return `'${name}' is not a valid Verilog identifier (letters, digits and _; not starting with a digit)`;
  if (KEYWORDS.has(name)) return `'${name}' is a Verilog keyword`;
  if (name.startsWith('_')) return `'${name}' starts with '_', which is reserved for generated names`;
  return undefined;
}

export function isKeyword(name: string): boolean {
  return KEYWORDS.has(name);
}
