/**
 * ISO 7064 MOD 11-2, the check character of resident identity numbers (GB 11643) and of the certificate numbers
 * the system issues: it catches every single wrong digit and every swap of two neighbouring digits.
 */
export function iso7064Mod112(body: string): string {
  if (!/^\d+$/.test(body)) throw new RangeError('an ISO 7064 MOD 11-2 body is one or more digits');
  // Horner's form of the weighted sum: each digit's weight is 2^k mod 11, k counted from the check position.
  let sum = 0;
  for (const digit of body) sum = ((sum + Number(digit)) * 2) % 11;
  const check = (12 - sum) % 11;
  return check === 10 ? 'X' : String(check);
}
