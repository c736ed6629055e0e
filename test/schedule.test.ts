import { Cron } from 'cdk8s';
import { Schedule } from '../src';

describe('Schedule', () => {
  test('keeps the expression text', () => {
    expect(Schedule.expression('@weekly').expressionString).toBe('@weekly');
    expect(Schedule.expression(' */15 * * * * ').expressionString).toBe('*/15 * * * *');
  });

  test('is a cdk8s Cron', () => {
    expect(Schedule.expression('@daily')).toBeInstanceOf(Cron);
  });
});
