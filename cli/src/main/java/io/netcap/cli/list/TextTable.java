package io.netcap.cli.list;

import java.io.PrintWriter;
import java.util.List;

/** Rows of cells printed as an aligned table, so columns line up for the eye and split on runs of spaces. */
final class TextTable {
    private TextTable() {
    }

    /**
     * Pads every column but the last to its widest cell plus two spaces. The last column is not
     * padded, so lines carry no trailing blanks.
     */
    static void print(PrintWriter out, List<List<String>> rows) {
        int columns = rows.get(0).size();
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int c = 0; c < columns - 1; c++) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        StringBuilder line = new StringBuilder();
        for (List<String> row : rows) {
            line.setLength(0);
            for (int c = 0; c < columns - 1; c++) {
                line.append(row.get(c)).append(" ".repeat(widths[c] - row.get(c).length() + 2));
            }
            line.append(row.get(columns - 1));
            out.println(line.toString().stripTrailing());
        }
    }
}
