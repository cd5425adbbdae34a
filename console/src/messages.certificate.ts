/** The public certificate check's labels, merged into the catalogues of messages.ts. */
export const certificateZh = {
  'nav.certificate': '证书查询',
  'certificate.title': '证书查询',
  'certificate.intro': '输入职业资格证书编号，查询该证书是否已因投诉查实被宣布作废。',
  'certificate.submit': '查询',
  'certificate.required': '请填写证书编号。',
  'certificate.invalid': '该证书已被宣布作废（{at}）。',
  'certificate.notInvalid': '未查到该证书的作废记录。',
};

export const certificateEn: Record<keyof typeof certificateZh, string> = {
  'nav.certificate': 'Check a certificate',
  'certificate.title': 'Check a certificate',
  'certificate.intro': 'Enter a vocational qualification certificate number to see whether it was declared invalid after a substantiated complaint.',
  'certificate.submit': 'Check',
  'certificate.required': 'Enter the certificate number.',
  'certificate.invalid': 'This certificate was declared invalid ({at}).',
  'certificate.notInvalid': 'No invalidation of this certificate is on record.',
};
