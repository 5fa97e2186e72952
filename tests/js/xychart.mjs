// Mermaid's own parser on xychart-beta charts, a JSON list of them on standard input: prints
// what each chart holds, as mermaid understood it, as a JSON list; or the parser's refusal.
import mermaid from "./headless.mjs";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const answers = [];
for (const text of JSON.parse(Buffer.concat(chunks).toString("utf8"))) {
  answers.push(await read(text));
}
process.stdout.write(JSON.stringify(answers) + "\n");

async function read(text) {
  let diagram;
  try {
    diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  } catch (error) {
    return { error: String(error.message ?? error) };
  }
  if (diagram.type !== "xychart") return { error: `a ${diagram.type} chart` };
  const data = diagram.db.getXYChartData();
  return {
    title: diagram.db.getDiagramTitle(),
    xAxis: data.xAxis,
    yAxis: data.yAxis,
    plots: data.plots.map((plot) => ({
      type: plot.type,
      title: plot.title,
      values: plot.data.map((point) => (point[1] === undefined ? null : point[1])),
    })),
  };
}
