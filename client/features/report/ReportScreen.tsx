// Placeholder until the screen lands; replaced by its feature's issue.
export function ReportScreen() {
  return <main>Report</main>;
}
