import { Role } from '../auth/role';

export interface NavItem {
  href: string;
  label: string;
  roles: readonly Role[];
}

/** The menu, by role. A feature adds its pages here when they exist. */
export const NAVIGATION: readonly NavItem[] = [
  { href: '/', label: 'Start', roles: ['staff', 'lead', 'analyst', 'admin'] },
  { href: '/oversikt', label: 'Översikt', roles: ['analyst', 'lead'] },
  { href: '/delprojekt/ko', label: 'Kö', roles: ['lead'] },
  { href: '/avvikelser/ny', label: 'Ny avvikelse', roles: ['staff', 'lead'] },
  { href: '/avvikelser/mina', label: 'Mina avvikelser', roles: ['staff'] },
  { href: '/avvikelser', label: 'Avvikelser', roles: ['analyst'] },
  { href: '/hinder', label: 'Hinder', roles: ['analyst'] },
  { href: '/skrivelser', label: 'Skrivelser', roles: ['analyst'] },
  { href: '/admin/anvandare', label: 'Användare', roles: ['admin'] },
  { href: '/admin/organisation', label: 'Organisation', roles: ['admin'] },
  { href: '/admin/utskick', label: 'Utskick', roles: ['admin'] },
];

export function navigationFor(role: Role | undefined, currentPath: string): Array<NavItem & { current: boolean }> {
  if (!role) return [];
  return NAVIGATION.filter((item) => item.roles.includes(role)).map((item) => ({
    ...item,
    current: item.href === '/' ? currentPath === '/' : currentPath === item.href || currentPath.startsWith(`${item.href}/`),
  }));
}
