// Plain aligned text tables (no box drawing, so logs and `grep` stay readable).

export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}

/** [0,1,2,3,6] → "0-3,6": short enough for a table cell and unambiguous. */
export function compactList(numbers: readonly number[]): string {
  const parts: string[] = [];
  for (let index = 0; index < numbers.length; ) {
    let end = index;
    while (end + 1 < numbers.length && numbers[end + 1] === numbers[end]! + 1) end++;
    parts.push(end === index ? `${numbers[index]}` : `${numbers[index]}-${numbers[end]}`);
    index = end + 1;
  }
  return parts.join(",");
}
