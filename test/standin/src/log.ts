/** The node's log file under [log] log_path, one `level|time|[module] message` line per event. */
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

export type LogLevel = "debug" | "info" | "warning" | "error";

export class NodeLog {
  private file?: string;

  /** Until open() is called, lines go to stdout only (startup refusals must reach nohup.out). */
  open(logPath: string): void {
    mkdirSync(logPath, { recursive: true });
    const hour = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 10);
    this.file = join(logPath, `log_${hour}.log`);
  }

  write(level: LogLevel, module: string, message: string): void {
    const line = `${level}|${new Date().toISOString()}|[${module}] ${message}\n`;
    if (this.file) appendFileSync(this.file, line);
    else if (level === "error") process.stdout.write(line);
  }

  info = (module: string, message: string) => this.write("info", module, message);
  warn = (module: string, message: string) => this.write("warning", module, message);
  error = (module: string, message: string) => this.write("error", module, message);
}
