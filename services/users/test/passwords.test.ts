// The dummy hash an unknown user is compared with: well-formed at the configured cost, matched by no password.
import bcrypt from 'bcrypt'
import t from 'tap'
import { createPasswords, unmatchableHash } from '../src/auth/passwords.ts'

t.test('the dummy hash has the cost of a real one and matches nothing', async (t) => {
  const dummy = await unmatchableHash(5)
  t.match(dummy, /^\$2b\$05\$[./A-Za-z0-9]{53}$/)
  t.equal(bcrypt.getRounds(dummy), 5)
  t.equal(await bcrypt.compare('', dummy), false)
  t.equal(await bcrypt.compare('any password at all', dummy), false)
  t.not(await unmatchableHash(5), dummy, 'a new one per process')
})

t.test('an unknown user (no hash) never verifies', async (t) => {
  const passwords = await createPasswords({ cost: 4, maxQueue: 4 })
  t.equal(await passwords.verify('any password at all', undefined), false)
  t.equal(await passwords.verify('right password', await passwords.hash('right password')), true)
})
