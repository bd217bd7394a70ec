/** A presence subscription's member: the user id (stringified) and its `user_info`. */
export interface PresenceMember {
  readonly userId: string
  readonly userInfo: unknown
}
