/**
 * Lazy reads of files inside an export. Attachments are read when an item is converted, which may
 * be after `read()` has finished and closed its tree (a consumer may collect items first and
 * convert them later), so a read after close opens the export again for that one file.
 */
import { type ExportTree, openExportTree } from '../shared/export-tree';

export class ExportReader {
  private closed = false;

  constructor(readonly tree: ExportTree) {}

  async read(entry: string): Promise<Buffer> {
    if (!this.closed) return this.tree.readBuffer(entry);
    const again = await openExportTree(this.tree.location);
    try {
      return await again.readBuffer(entry);
    } finally {
      await again.close();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tree.close();
  }
}
