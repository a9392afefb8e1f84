// Minimal typing for the `ini` package, used only in tests as an independent INI parser.
declare module "ini" {
  export function parse(text: string): Record<string, unknown>;
}
