import Typography from '@mui/material/Typography';
import type { CatalogueProvenanceView } from '../../../main/contract/api.js';

/**
 * One quiet line under a script's summary saying where its catalogue was built from: the commit
 * (short, the full one in its title for copying), the branch, uncommitted changes, who built it
 * and when, and whether the tests were skipped. Nothing for catalogues that recorded none.
 */
export function ScriptProvenance({ provenance }: { provenance: CatalogueProvenanceView | null }) {
  if (!provenance) return null;
  const built = new Date(provenance.builtAt);
  const when = Number.isNaN(built.getTime())
    ? provenance.builtAt
    : built.toLocaleDateString(undefined, { dateStyle: 'medium' });
  return (
    <Typography variant="body2" color="text.secondary" data-testid="script-provenance">
      {provenance.commit ? (
        <>
          Published from commit{' '}
          <Typography
            component="code"
            variant="body2"
            title={provenance.commit}
            sx={{ fontFamily: 'monospace' }}
          >
            {provenance.commit.slice(0, 12)}
          </Typography>
          {provenance.branch ? ` on ${provenance.branch}` : ''}
          {provenance.clean === false ? ' with uncommitted changes' : ''}
        </>
      ) : (
        'Published from a folder outside version control'
      )}
      {`, built by ${provenance.builtBy} on ${when}.`}
      {provenance.testsSkipped ? ' Its tests were skipped for this catalogue.' : ''}
    </Typography>
  );
}
