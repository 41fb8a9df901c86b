/**
 * Common given names (English-speaking, Lusophone, Hispanic, European, South and East Asian), used
 * by the dictionary person detector. Names that are also ordinary words (May, Will, Grace, Amber)
 * are listed in AMBIGUOUS_NAMES and only count with a cue or a surname.
 */
export const FIRST_NAMES = new Set(
  `James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel Matthew Anthony Donald Steven
Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan
Stephen Larry Justin Scott Brandon Benjamin Samuel Gregory Alexander Patrick Dennis Tyler Aaron Adam Nathan Henry Peter
Zachary Douglas Harold Kyle Noah Ethan Jeremy Christian Keith Roger Terry Austin Sean Gerald Carl Dylan Harry Jordan
Bryan Lawrence Arthur Gabriel Bruce Logan Albert Willie Alan Eugene Russell Vincent Philip Bobby Johnny Bradley Liam
Oliver Lucas Mason Elijah Aiden Carlos Luis Juan Jose Miguel Pedro Pablo Diego Javier Rafael Fernando Ricardo Joao
Tiago Rui Bruno Andre Marco Paolo Giovanni Luca Francesco Pierre Jean Louis Antoine Hans Klaus Jurgen Stefan Lars Sven
Ahmed Mohammed Ali Omar Hassan Raj Rahul Arjun Vikram Wei Jun Hiroshi Kenji Takashi Yuki Dmitri Ivan Sergei Olga
Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Margaret Sandra Ashley
Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah Stephanie Rebecca Sharon Laura Cynthia Kathleen Amy
Angela Shirley Anna Brenda Pamela Emma Nicole Helen Samantha Katherine Christine Debra Rachel Carolyn Janet Catherine
Maria Heather Diane Ruth Julie Olivia Joyce Virginia Victoria Kelly Lauren Christina Joan Evelyn Judith Megan Andrea
Cheryl Hannah Jacqueline Martha Gloria Teresa Sara Madison Frances Kathryn Janice Jean Abigail Alice Julia Judy Sophia
Isabella Denise Amber Doris Marilyn Danielle Beverly Charlotte Natalie Theresa Diana Brittany Kayla Alexis Lori Ava Mia
Chloe Zoe Lily Ella Harper Aria Layla Nora Camila Sofia Valentina Lucia Ana Beatriz Mariana Juliana Fernanda Gabriela
Carla Paula Ines Marta Clara Elena Giulia Chiara Francesca Marie Camille Claire Sophie Ingrid Astrid Priya Ananya Aisha
Fatima Yasmin Mei Yuna Sakura Natasha Svetlana Alex Sam Chris Jamie Taylor Morgan Casey Riley Avery Quinn Jordan
May June April August Will Bill Mark Grace Hope Joy Faith Rose Summer Art Frank Sue Pat Dawn Ruby Jade Crystal Max Guy
Chase Hunter Ray Victor Bob Jack Rob Don Ken Lee Mike Tom Tim Dan Ben Joe Jim Kim Ann Eve Ted Matt Nick Tony`.split(/\s+/),
);

export const AMBIGUOUS_NAMES = new Set(
  'May June April August Will Bill Mark Grace Hope Joy Faith Rose Summer Art Frank Sue Pat Dawn Ruby Jade Crystal Max Guy Chase Hunter Ray Amber Jean Joyce Victor Bob Jack Rob Don Ken Lee Tom Tim Dan Ben Joe Jim Kim Ann Eve Ted Matt Nick Sam Chris Jordan Taylor Morgan Casey Riley Avery Quinn Harper Carol Bobby Willie Virginia Victoria Madison Austin Logan Mason Christian Douglas Henry Albert'.split(' '),
);
