import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ApiFailure } from '../contract/errors.js';
import type { ScriptSummary } from '../contract/api.js';
import type { HomePaths } from '../app/home.js';
import { ContentStore } from './content-store.js';
import { sha256Hex } from './hashing.js';
import type { PublishedScript } from './document.js';
import { loadInstalledCatalogue, type InstalledCatalogue } from './installed.js';
import type { ScriptManifest } from './manifest.js';
import { isPermitted } from './permissions.js';
import { syncCatalogue, type CatalogueSourceReader, type SyncOutcome } from './sync.js';
import type { TrustStore } from './trust-store.js';
import { CatalogueRejected } from './verify.js';

/** Everything needed to show a script's form and run it, read from verified bytes. */
export interface ResolvedScript {
  published: PublishedScript;
  manifest: ScriptManifest;
  catalogueVersion: number;
  schema: Record<string, unknown>;
  uiSchema: Record<string, unknown>;
  lockText: string;
  scriptDir: string;
  wheels: { filename: string; path: string }[];
}

/** Receives every accepted and rejected sync (the app journals them). */
export type SyncListener = (
  outcome:
    | { ok: true; result: SyncOutcome; location: string }
    | { ok: false; error: CatalogueRejected; location: string },
) => void;

/** The catalogue as main sees it: the installed, verified document and the scripts the user may run. */
export class CatalogueService {
  private cached: InstalledCatalogue | null | undefined;
  private readonly store: ContentStore;
  private readonly schemas = new Map<string, Record<string, unknown>>();

  constructor(
    private readonly paths: HomePaths,
    private readonly trust: TrustStore,
    private readonly now: () => Date = () => new Date(),
    private readonly onSync: SyncListener = () => {},
  ) {
    this.store = new ContentStore(paths.store);
  }

  /** The installed catalogue, or null when none was synced. Throws `catalogue_unavailable` when it no longer verifies or expired. */
  async installed(): Promise<InstalledCatalogue | null> {
    if (this.cached === undefined) {
      try {
        this.cached = await loadInstalledCatalogue(
          this.paths.catalogue,
          this.paths.scripts,
          await this.trust.list(),
          this.now(),
        );
      } catch (error) {
        if (error instanceof CatalogueRejected)
          throw new ApiFailure(
            'catalogue_unavailable',
            `The installed catalogue cannot be used: ${error.message}`,
          );
        throw error;
      }
    }
    if (this.cached && Date.parse(this.cached.document.expires) <= this.now().getTime()) {
      throw new ApiFailure(
        'catalogue_unavailable',
        `The catalogue expired on ${this.cached.document.expires}; connect to your network and sync, or ask your administrator to publish a new one.`,
      );
    }
    return this.cached;
  }

  async sync(source: CatalogueSourceReader): Promise<SyncOutcome> {
    try {
      const result = await syncCatalogue(this.paths, source, await this.trust.list(), this.now());
      this.cached = undefined;
      this.onSync({ ok: true, result, location: source.location });
      return result;
    } catch (error) {
      if (error instanceof CatalogueRejected)
        this.onSync({ ok: false, error, location: source.location });
      throw error;
    }
  }

  /** The scripts `user` may run, as the UI lists them. */
  async listFor(user: string): Promise<ScriptSummary[]> {
    const installed = await this.installed();
    if (!installed) return [];
    return installed.document.scripts
      .filter((s) => isPermitted(s.manifest, installed.document.groups, user))
      .map((s) => summarise(s.manifest));
  }

  /** One script with its verified form, for `user`; `not_found` / `forbidden` otherwise. */
  async resolve(scriptId: string, user: string): Promise<ResolvedScript> {
    const installed = await this.installed();
    if (!installed)
      throw new ApiFailure(
        'catalogue_unavailable',
        'No catalogue is installed yet; sync one first (scriptdesk sync --from ...).',
      );
    const published = installed.document.scripts.find((s) => s.manifest.id === scriptId);
    if (!published)
      throw new ApiFailure(
        'not_found',
        `There is no script "${scriptId}" in catalogue version ${installed.document.version}.`,
      );
    if (!isPermitted(published.manifest, installed.document.groups, user)) {
      throw new ApiFailure(
        'forbidden',
        `You (${user}) are not allowed to run "${published.manifest.title}"; ask your administrator for access.`,
      );
    }
    return {
      published,
      manifest: published.manifest,
      catalogueVersion: installed.document.version,
      schema: await this.readJson(published, 'form.schema.json'),
      uiSchema: published.files.some((f) => f.path === 'form.ui.json')
        ? await this.readJson(published, 'form.ui.json')
        : {},
      lockText: (await this.readVerified(published, 'requirements.lock')).toString('utf8'),
      scriptDir: installed.scriptDir(published),
      wheels: published.wheels.map((w) => ({
        filename: w.filename,
        path: this.store.pathOf(w.sha256),
      })),
    };
  }

  /** Parsed JSON of a script file, cached by content hash (the same object each time, so compiled validators are reused). */
  private async readJson(script: PublishedScript, file: string): Promise<Record<string, unknown>> {
    const entry = script.files.find((f) => f.path === file)!;
    let parsed = this.schemas.get(entry.sha256);
    if (!parsed) {
      parsed = JSON.parse((await this.readVerified(script, file)).toString('utf8')) as Record<
        string,
        unknown
      >;
      this.schemas.set(entry.sha256, parsed);
    }
    return parsed;
  }

  private async readVerified(script: PublishedScript, file: string): Promise<Buffer> {
    const entry = script.files.find((f) => f.path === file);
    if (!entry)
      throw new ApiFailure(
        'catalogue_unavailable',
        `Script ${script.manifest.id} has no ${file} in the catalogue.`,
      );
    const bytes = await readFile(this.store.pathOf(entry.sha256));
    if (sha256Hex(bytes) !== entry.sha256) {
      throw new ApiFailure(
        'catalogue_unavailable',
        `The local copy of ${script.manifest.id}/${file} was changed on disk; sync the catalogue again.`,
      );
    }
    return bytes;
  }

  /** Where a script's entry point is. */
  static entrypoint(resolved: ResolvedScript): string {
    return path.join(resolved.scriptDir, ...resolved.manifest.entrypoint.split('/'));
  }
}

/** A manifest as the UI lists it. */
export function summarise(m: ScriptManifest): ScriptSummary {
  return {
    id: m.id,
    title: m.title,
    summary: m.summary,
    category: m.category,
    version: m.version,
    destructive: m.destructive,
    supportsDryRun: m.supportsDryRun,
    requireReason: m.requireReason,
  };
}
