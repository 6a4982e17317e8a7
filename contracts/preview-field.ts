// One previewed Zoho field on the issue panel: its API name, label and the value as the panel shows it.
import { z } from 'zod';

export const previewFieldDto = z.object({ apiName: z.string(), label: z.string(), value: z.string().nullable() });
