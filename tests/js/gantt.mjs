// Mermaid's own parser on a Gantt chart read from standard input: prints what the chart
// holds, as mermaid understood it, as JSON.
import mermaid from "./headless.mjs";

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
