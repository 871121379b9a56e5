import type { Component } from 'vue'
import AdminsPage from './pages/AdminsPage.vue'
import ChannelsPage from './pages/ChannelsPage.vue'
import DashboardPage from './pages/DashboardPage.vue'
import GroupsPage from './pages/GroupsPage.vue'
import LegalizePage from './pages/LegalizePage.vue'
import LogsPage from './pages/LogsPage.vue'
import ReviewPage from './pages/ReviewPage.vue'
import UsersPage from './pages/UsersPage.vue'
import WordsPage from './pages/WordsPage.vue'

/** A menu entry: its path, title, page and the API code without which it is hidden. */
export interface PageEntry {
  path: string
  title: string
  component: Component
  code: string
}

/** The console's pages in menu order. */
export const PAGES: PageEntry[] = [
  { path: '/', title: '概览', component: DashboardPage, code: 'statistics-basic-get' },
  { path: '/review', title: '内容审核', component: ReviewPage, code: 'article-list-get' },
  { path: '/users', title: '用户管理', component: UsersPage, code: 'userlist-get' },
  { path: '/legalizes', title: '认证审核', component: LegalizePage, code: 'legalize-list-get' },
  { path: '/channels', title: '频道管理', component: ChannelsPage, code: 'channel-list-get' },
  { path: '/words', title: '敏感词', component: WordsPage, code: 'sensitive-word-list-get' },
  { path: '/admins', title: '管理员', component: AdminsPage, code: 'administrator-list-get' },
  { path: '/groups', title: '角色与权限', component: GroupsPage, code: 'group-list-get' },
  { path: '/logs', title: '操作日志', component: LogsPage, code: 'operationlog-get' },
]
