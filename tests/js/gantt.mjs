// Mermaid's own parser on a Gantt chart read from standard input: prints what the chart
// holds, as mermaid understood it, as JSON. Runs headless: jsdom stands in for the browser.
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const diagram = await mermaid.mermaidAPI.getDiagramFromText(Buffer.concat(chunks).toString("utf8"));
const db = diagram.db;
const day = (time) => (time ? new Date(time).toISOString().slice(0, 10) : null);
process.stdout.write(JSON.stringify({
  type: diagram.type,
  title: db.getDiagramTitle(),
  dateFormat: db.getDateFormat(),
  excludes: db.getExcludes(),
  includes: db.getIncludes(),
  todayMarker: db.getTodayMarker(),
  sections: db.getSections(),
  tasks: db.getTasks().map((task) => ({
    name: task.task,
    section: task.section,
    start: day(task.startTime),
    classes: task.classes,
    milestone: Boolean(task.milestone),
    vert: Boolean(task.vert),
    done: Boolean(task.done),
    crit: Boolean(task.crit),
  })),
}) + "\n");
