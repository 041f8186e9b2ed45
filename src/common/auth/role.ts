export const ROLES = ['staff', 'lead', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  staff: 'Medarbetare',
  lead: 'Delprojektledare',
  analyst: 'Verksamhetsutvecklare',
  admin: 'Administratör',
};

/** Roles that work inside one delprojekt and must belong to one. */
export const SUBPROJECT_ROLES: readonly Role[] = ['staff', 'lead'];
