import { z } from 'zod';

/** Administrative division codes (GB/T 2260): a province ends in 0000, a city in 00 and shares the province's first two digits. */
export const regionSchema = z
  .object({
    provinceCode: z.string().regex(/^\d{2}0000$/, 'must be a six-digit province code ending in 0000'),
    cityCode: z.string().regex(/^\d{4}00$/, 'must be a six-digit city code ending in 00'),
  })
  .refine((r) => r.cityCode.slice(0, 2) === r.provinceCode.slice(0, 2), {
    message: 'city must lie in the province',
    path: ['cityCode'],
  });
export type Region = z.infer<typeof regionSchema>;
